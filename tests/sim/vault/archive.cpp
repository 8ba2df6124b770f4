// ustar + zlib gzip writing, whole-archive reading (through tar_gz_reader) and SHA-256 helpers.
#include "archive.hpp"

#include "archive_reader.hpp"
#include "codec.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace vsim {

struct tar_gz_writer::zstate
{
    z_stream s{};
};

namespace {
constexpr std::size_t block = 512;

void put_octal(char* field, std::size_t width, std::uint64_t value)
{
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(value));
}

std::string make_header(std::string_view name, std::uint64_t size, char type = '0')
{
    std::string h(block, '\0');
    std::memcpy(h.data(), name.data(), std::min<std::size_t>(name.size(), 100));
    put_octal(&h[100], 8, 0644);
    put_octal(&h[108], 8, 0);
    put_octal(&h[116], 8, 0);
    put_octal(&h[124], 12, size);
    put_octal(&h[136], 12, 0);
    h[156] = type;
    std::memcpy(&h[257],
                "ustar\0"
                "00",
                8);
    // The checksum is computed with its own field set to spaces.
    std::memset(&h[148], ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h)
        sum += c;
    std::snprintf(&h[148], 8, "%06o", sum);
    h[155] = ' ';
    return h;
}
}  // namespace

tar_gz_writer::tar_gz_writer(int level)
    : z_(std::make_unique<zstate>())
{
    // windowBits 15 + 16 selects the gzip wrapper.
    if (deflateInit2(&z_->s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
}

tar_gz_writer::~tar_gz_writer()
{
    deflateEnd(&z_->s);
}

void tar_gz_writer::deflate_bytes(std::string_view data, bool final)
{
    z_->s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_->s.avail_in = static_cast<uInt>(data.size());
    char buf[65536];
    int rc = Z_OK;
    do
    {
        z_->s.next_out = reinterpret_cast<Bytef*>(buf);
        z_->s.avail_out = sizeof buf;
        rc = deflate(&z_->s, final ? Z_FINISH : Z_NO_FLUSH);
        out_.append(buf, sizeof buf - z_->s.avail_out);
    } while (z_->s.avail_out == 0 || (final && rc != Z_STREAM_END));
}

void tar_gz_writer::begin_file(std::string_view name, std::uint64_t size)
{
    // ustar's 11 octal digits end at 8 GiB; past that a PAX record carries the size and the header says 0,
    // as Go's archive/tar (Vault's) writes it.
    if (size > pax_above_)
    {
        // "<length> size=<n>\n" where the length counts itself: two digits for any 64-bit size.
        const auto body = " size=" + std::to_string(size) + "\n";
        const auto record = std::to_string(body.size() + 2) + body;
        const auto pax = make_header("PaxHeaders.0/" + std::string(name), record.size(), 'x');
        deflate_bytes(pax + record + std::string((block - record.size() % block) % block, '\0'), false);
        deflate_bytes(make_header(name, 0), false);
    }
    else
        deflate_bytes(make_header(name, size), false);
    file_remaining_ = size;
    file_size_ = size;
}

void tar_gz_writer::write(std::string_view data)
{
    if (data.size() > file_remaining_)
        throw std::logic_error("tar member larger than declared");
    file_remaining_ -= data.size();
    deflate_bytes(data, false);
}

void tar_gz_writer::end_file()
{
    if (file_remaining_ != 0)
        throw std::logic_error("tar member shorter than declared");
    const auto pad = (block - file_size_ % block) % block;
    deflate_bytes(std::string(pad, '\0'), false);
}

void tar_gz_writer::add_file(std::string_view name, std::string_view contents)
{
    begin_file(name, contents.size());
    write(contents);
    end_file();
}

void tar_gz_writer::finish()
{
    deflate_bytes(std::string(2 * block, '\0'), true);
}

std::string tar_gz_writer::take_output()
{
    return std::exchange(out_, {});
}

namespace {
// Collects every member whole (small archives: tests, the journal's checks).
struct collecting_sink : tar_member_sink
{
    std::vector<tar_member> members;
    std::optional<std::string> begin_member(std::string_view name, std::uint64_t) override
    {
        members.push_back({std::string(name), {}});
        return std::nullopt;
    }
    std::optional<std::string> member_data(std::string_view data) override
    {
        members.back().data.append(data);
        return std::nullopt;
    }
    std::optional<std::string> end_member() override { return std::nullopt; }
};
}  // namespace

std::variant<std::vector<tar_member>, std::string> read_tar_gz(std::string_view archive)
{
    collecting_sink sink;
    tar_gz_reader reader(sink);
    auto err = reader.feed(archive);
    if (!err)
        err = reader.finish();
    if (err)
        return *err;
    return std::move(sink.members);
}

sha256_hasher::sha256_hasher()
    : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free)
{
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

void sha256_hasher::update(std::string_view data)
{
    EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
}

std::string sha256_hasher::digest()
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    return std::string(reinterpret_cast<const char*>(md), len);
}

std::string sha256_hasher::hex()
{
    const auto d = digest();
    return hex_encode(bytes(d.begin(), d.end()));
}

std::string sha256_digest_hex(std::string_view data)
{
    sha256_hasher h;
    h.update(data);
    return h.hex();
}

}  // namespace vsim
