// tar_gz_reader: zlib inflate feeding a tar state machine (header, PAX records, member data, padding).
#include "archive_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vsim {

namespace {
constexpr std::size_t tar_block = 512;
// PAX headers hold a few records; anything bigger is not an archive this reader should buffer.
constexpr std::uint64_t pax_limit = 1 << 20;

bool header_checksum_ok(std::string_view h)
{
    unsigned sum = 0;
    for (std::size_t i = 0; i < tar_block; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    return std::strtoul(std::string(h.substr(148, 8)).c_str(), nullptr, 8) == sum;
}

// ustar's octal size, or GNU's base-256 (first byte 0x80) that some writers use past 8 GiB.
std::uint64_t header_size(std::string_view h)
{
    const auto field = h.substr(124, 12);
    if (static_cast<unsigned char>(field[0]) != 0x80)
        return std::strtoull(std::string(field).c_str(), nullptr, 8);
    std::uint64_t v = 0;
    for (std::size_t i = 1; i < field.size(); ++i)
        v = (v << 8) | static_cast<unsigned char>(field[i]);
    return v;
}

std::string header_name(std::string_view h)
{
    const auto name = h.substr(0, 100);
    return std::string(name.substr(0, std::min(name.find('\0'), name.size())));
}

// PAX records are "<length> <key>=<value>\n"; the length counts the whole record.
void apply_pax(std::string_view records, std::optional<std::uint64_t>& size, std::optional<std::string>& path)
{
    while (!records.empty())
    {
        const auto space = records.find(' ');
        const auto length = std::strtoull(std::string(records.substr(0, space)).c_str(), nullptr, 10);
        if (space == std::string_view::npos || length <= space || length > records.size())
            return;
        const auto record = records.substr(space + 1, length - space - 2);  // without the newline
        const auto eq = record.find('=');
        if (eq != std::string_view::npos && record.substr(0, eq) == "size")
            size = std::strtoull(std::string(record.substr(eq + 1)).c_str(), nullptr, 10);
        else if (eq != std::string_view::npos && record.substr(0, eq) == "path")
            path = std::string(record.substr(eq + 1));
        records.remove_prefix(length);
    }
}
}  // namespace

struct tar_gz_reader::impl
{
    enum class phase
    {
        header,  // collecting a 512-byte header
        pax,     // collecting an extended header's records
        member,  // passing member bytes to the sink
        skip,    // padding to the next block, or a skipped entry
        archive_end
    };

    explicit impl(tar_member_sink& s)
        : sink(s)
    {
        // windowBits 15 + 16: gzip wrapper only.
        if (inflateInit2(&z, 15 + 16) != Z_OK)
            throw std::runtime_error("inflateInit2 failed");
    }
    ~impl() { inflateEnd(&z); }

    tar_member_sink& sink;
    z_stream z{};
    bool gzip_done = false;
    std::optional<std::string> error;
    phase at = phase::header;
    std::string pending;  // header or PAX bytes collected so far
    std::uint64_t remaining = 0;
    std::uint64_t padding = 0;
    std::uint64_t pax_size = 0;
    std::optional<std::uint64_t> next_size;
    std::optional<std::string> next_path;

    std::optional<std::string> on_header()
    {
        const std::string_view h = pending;
        if (h.find_first_not_of('\0') == std::string_view::npos)
        {
            at = phase::archive_end;
            return std::nullopt;
        }
        if (!header_checksum_ok(h))
            return "tar: invalid header checksum";
        const auto size = header_size(h);
        const char type = h[156];
        if (type == 'x' || type == 'g')
        {
            if (size > pax_limit)
                return "tar: extended header too large";
            pax_size = size;
            padding = (tar_block - size % tar_block) % tar_block;
            at = phase::pax;
            pending.clear();
            return type == 'x' ? std::nullopt : skip_pax();
        }
        remaining = next_size.value_or(size);
        padding = (tar_block - remaining % tar_block) % tar_block;
        const auto name = next_path.value_or(header_name(h));
        next_size.reset();
        next_path.reset();
        pending.clear();
        at = phase::member;
        if (auto err = sink.begin_member(name, remaining))
            return err;
        return remaining == 0 ? end_member() : std::nullopt;
    }

    // A global header ('g') applies to nothing the snapshot needs: its bytes are skipped.
    std::optional<std::string> skip_pax()
    {
        padding += pax_size;
        at = phase::skip;
        return std::nullopt;
    }

    std::optional<std::string> end_member()
    {
        at = padding ? phase::skip : phase::header;
        return sink.end_member();
    }

    // Consumes tar bytes from data; returns how many, or sets an error.
    std::optional<std::string> step(std::string_view& data)
    {
        switch (at)
        {
        case phase::header:
        case phase::pax: {
            const std::size_t want = at == phase::header ? tar_block : pax_size;
            const auto n = std::min(want - pending.size(), data.size());
            pending.append(data.substr(0, n));
            data.remove_prefix(n);
            if (pending.size() < want)
                return std::nullopt;
            if (at == phase::header)
                return on_header();
            apply_pax(pending, next_size, next_path);
            pending.clear();
            at = padding ? phase::skip : phase::header;
            return std::nullopt;
        }
        case phase::member: {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, data.size()));
            remaining -= n;
            auto err = sink.member_data(data.substr(0, n));
            data.remove_prefix(n);
            if (err || remaining)
                return err;
            return end_member();
        }
        case phase::skip: {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(padding, data.size()));
            padding -= n;
            data.remove_prefix(n);
            if (!padding)
                at = phase::header;
            return std::nullopt;
        }
        case phase::archive_end: data = {}; return std::nullopt;
        }
        return std::nullopt;
    }

    std::optional<std::string> untar(std::string_view data)
    {
        while (!data.empty())
            if (auto err = step(data))
                return err;
        return std::nullopt;
    }

    std::optional<std::string> inflate_all(std::string_view in)
    {
        if (gzip_done && !in.empty())
            return "gzip: trailing data";
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z.avail_in = static_cast<uInt>(in.size());
        char buf[65536];
        while (!gzip_done && (z.avail_in > 0 || z.avail_out == 0))
        {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            const int rc = inflate(&z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return "gzip: invalid or truncated stream";
            if (auto err = untar(std::string_view(buf, sizeof buf - z.avail_out)))
                return err;
            gzip_done = rc == Z_STREAM_END;
            if (rc == Z_BUF_ERROR)
                break;
        }
        if (gzip_done && z.avail_in > 0)
            return "gzip: trailing data";
        return std::nullopt;
    }
};

tar_gz_reader::tar_gz_reader(tar_member_sink& sink)
    : impl_(std::make_unique<impl>(sink))
{
}

tar_gz_reader::~tar_gz_reader() = default;

std::optional<std::string> tar_gz_reader::feed(std::string_view compressed)
{
    // zlib counts input in 32-bit units: hand it at most 1 MiB at a time.
    constexpr std::size_t slice = 1 << 20;
    while (!impl_->error && !compressed.empty())
    {
        const auto n = std::min(slice, compressed.size());
        impl_->error = impl_->inflate_all(compressed.substr(0, n));
        compressed.remove_prefix(n);
    }
    return impl_->error;
}

std::optional<std::string> tar_gz_reader::finish()
{
    if (impl_->error)
        return impl_->error;
    if (!impl_->gzip_done)
        return std::string{"gzip: invalid or truncated stream"};
    if (impl_->at != impl::phase::archive_end)
        return std::string{"tar: unexpected end of archive"};
    return std::nullopt;
}

}  // namespace vsim
