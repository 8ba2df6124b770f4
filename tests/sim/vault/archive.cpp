// ustar + zlib gzip, enough for Vault's four-member snapshot archives.
#include "archive.hpp"

#include <openssl/sha.h>
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
    if (size > 077777777777ull)
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
std::variant<std::string, std::string> gunzip(std::string_view in)
{
    z_stream s{};
    if (inflateInit2(&s, 15 + 16) != Z_OK)
        return std::variant<std::string, std::string>{std::in_place_index<1>, "inflateInit2 failed"};
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    s.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc == Z_OK)
    {
        s.next_out = reinterpret_cast<Bytef*>(buf);
        s.avail_out = sizeof buf;
        rc = inflate(&s, Z_NO_FLUSH);
        out.append(buf, sizeof buf - s.avail_out);
        if (rc == Z_BUF_ERROR && s.avail_in == 0)
            break;
    }
    const bool trailing = s.avail_in != 0;
    inflateEnd(&s);
    if (rc != Z_STREAM_END)
        return std::variant<std::string, std::string>{std::in_place_index<1>,
                                                      "gzip: invalid or truncated stream"};
    if (trailing)
        return std::variant<std::string, std::string>{std::in_place_index<1>, "gzip: trailing data"};
    return std::variant<std::string, std::string>{std::in_place_index<0>, std::move(out)};
}

bool header_checksum_ok(std::string_view h)
{
    unsigned sum = 0;
    for (std::size_t i = 0; i < block; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    return std::strtoul(std::string(h.substr(148, 8)).c_str(), nullptr, 8) == sum;
}
}  // namespace

std::variant<std::vector<tar_member>, std::string> read_tar_gz(std::string_view archive)
{
    auto unzipped = gunzip(archive);
    if (unzipped.index() == 1)
        return std::get<1>(unzipped);
    const std::string_view tar = std::get<0>(unzipped);
    std::vector<tar_member> out;
    std::size_t pos = 0;
    while (true)
    {
        if (pos + block > tar.size())
            return std::string{"tar: unexpected end of archive"};
        const auto h = tar.substr(pos, block);
        if (h.find_first_not_of('\0') == std::string_view::npos)
            return out;  // end-of-archive block
        if (!header_checksum_ok(h))
            return std::string{"tar: invalid header checksum"};
        const auto size = std::strtoull(std::string(h.substr(124, 12)).c_str(), nullptr, 8);
        pos += block;
        if (pos + size > tar.size())
            return std::string{"tar: unexpected end of archive"};
        const auto name_end = h.substr(0, 100).find('\0');
        out.push_back({std::string(h.substr(0, std::min<std::size_t>(name_end, 100))),
                       std::string(tar.substr(pos, size))});
        pos += (size + block - 1) / block * block;
    }
}

std::string sha256_digest_hex(std::string_view data)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (auto c : md)
    {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

}  // namespace vsim
