// Builds raft snapshot archives (gzip of a tar) for the verifier tests, with knobs to break them.
#ifndef VAULTKEEPER_TESTS_UNIT_SNAPSHOT_ARCHIVE_BUILDER_HPP
#define VAULTKEEPER_TESTS_UNIT_SNAPSHOT_ARCHIVE_BUILDER_HPP

#include <cstdio>
#include <openssl/evp.h>
#include <string>
#include <utility>
#include <vector>
#include <zlib.h>

namespace vk::snapshot::test {

inline std::string sha256_hex(const std::string& d)
{
    unsigned char md[32];
    unsigned len = 0;
    EVP_Digest(d.data(), d.size(), md, &len, EVP_sha256(), nullptr);
    std::string out;
    char buf[3];
    for (unsigned i = 0; i < len; ++i)
    {
        std::snprintf(buf, sizeof buf, "%02x", md[i]);
        out += buf;
    }
    return out;
}

// type: the typeflag ('x' a PAX extended header); base256: the size in GNU's binary form.
inline std::string tar_header(const std::string& name, std::size_t size, char type = '0',
                              bool base256 = false)
{
    std::string h(512, '\0');
    h.replace(0, name.size(), name);
    std::snprintf(&h[100], 8, "%07o", 0644);
    std::snprintf(&h[124], 12, "%011zo", size);
    if (base256)
    {
        h[124] = '\x80';
        for (int i = 0; i < 11; ++i)
            h[135 - i] = static_cast<char>(i < 8 ? (static_cast<std::uint64_t>(size) >> (8 * i)) & 0xff : 0);
    }
    h[156] = type;
    h.replace(257, 6, std::string("ustar\0", 6));
    h.replace(148, 8, std::string(8, ' '));
    unsigned sum = 0;
    for (unsigned char c : h)
        sum += c;
    std::snprintf(&h[148], 8, "%06o", sum);
    h[155] = ' ';
    return h;
}

// A header, the data, the padding to the next block.
inline std::string tar_member(const std::string& header, const std::string& data)
{
    return header + data + std::string((512 - data.size() % 512) % 512, '\0');
}

inline std::string tar(const std::vector<std::pair<std::string, std::string>>& entries, bool end = true)
{
    std::string out;
    for (const auto& [name, data] : entries)
        out += tar_member(tar_header(name, data.size()), data);
    if (end)
        out.append(1024, '\0');
    return out;
}

inline std::string gzip(const std::string& raw)
{
    z_stream z{};
    deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, raw.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

struct archive_parts
{
    std::string state = std::string(3000, 's');
    std::string meta()
    {
        return R"({"Version":1,"ID":"2-17","Index":17,"Term":2,"Size":)" + std::to_string(state.size()) + "}";
    }
    std::string sums() { return sha256_hex(meta()) + "  meta.json\n" + sha256_hex(state) + "  state.bin\n"; }
    std::vector<std::pair<std::string, std::string>> entries()
    {
        return {{"meta.json", meta()},
                {"state.bin", state},
                {"SHA256SUMS", sums()},
                {"SHA256SUMS.sealed", "sealed"}};
    }
};

inline std::string good_archive()
{
    return gzip(tar(archive_parts{}.entries()));
}

}  // namespace vk::snapshot::test

#endif
