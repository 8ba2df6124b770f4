// Streaming verification of raft snapshot archives (see archive_verifier.hpp): zlib inflate feeds a tar
// reader that hashes and checks entries as their bytes pass.
#include "snapshot/model/archive_verifier.hpp"

#include "snapshot/model/sha256.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <optional>
#include <string>
#include <utility>
#include <zlib.h>

namespace vk::snapshot {
namespace {

constexpr std::size_t block = 512;
constexpr std::array<std::string_view, 4> expected_entries{"meta.json", "state.bin", "SHA256SUMS",
                                                           "SHA256SUMS.sealed"};
constexpr std::uint64_t max_buffered = 1 << 20;  // meta.json and SHA256SUMS are small; a bigger one is bogus

error bad(std::string message)
{
    return make_error(errc::bad_response, "snapshot archive: " + std::move(message));
}

std::optional<std::uint64_t> octal(std::string_view field)
{
    std::uint64_t v = 0;
    // GNU base-256 (the first byte's high bit set): big-endian binary in the rest of the field.
    if (!field.empty() && (static_cast<unsigned char>(field[0]) & 0x80))
    {
        if (field[0] != '\x80' || field.size() > 12)
            return std::nullopt;
        for (char c : field.substr(1))
            v = v << 8 | static_cast<unsigned char>(c);
        return v;
    }
    bool any = false;
    for (char c : field)
    {
        if (c == '\0' || c == ' ')
        {
            if (any)
                break;
            continue;
        }
        if (c < '0' || c > '7')
            return std::nullopt;
        v = v * 8 + static_cast<std::uint64_t>(c - '0');
        any = true;
    }
    return any ? std::optional(v) : std::nullopt;
}

bool checksum_ok(std::string_view h)
{
    auto stored = octal(h.substr(148, 8));
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < block; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    return stored && *stored == sum;
}

std::string entry_name(std::string_view h)
{
    auto field = [&](std::size_t off, std::size_t len) {
        auto f = h.substr(off, len);
        return std::string(f.substr(0, f.find('\0')));
    };
    auto name = field(0, 100);
    if (h.substr(257, 5) == "ustar")
        if (auto prefix = field(345, 155); !prefix.empty())
            name = prefix + "/" + name;
    return name;
}

// The "size" record of a PAX extended header ("<len> key=value\n" records), if any; nullopt too when the
// records are malformed.
std::optional<std::uint64_t> pax_size(std::string_view records, bool& malformed)
{
    std::optional<std::uint64_t> size;
    while (!records.empty())
    {
        const auto space = records.find(' ');
        std::uint64_t len = 0;
        for (char c : records.substr(0, space))
            len =
                c >= '0' && c <= '9' && len < records.size() ? len * 10 + static_cast<unsigned>(c - '0') : 0;
        if (space == std::string_view::npos || len <= space + 1 || len > records.size() ||
            records[len - 1] != '\n')
        {
            malformed = true;
            return std::nullopt;
        }
        const auto record = records.substr(space + 1, len - space - 2);
        records.remove_prefix(len);
        if (record.starts_with("size="))
        {
            std::uint64_t v = 0;
            for (char c : record.substr(5))
            {
                if (c < '0' || c > '9')
                {
                    malformed = true;
                    return std::nullopt;
                }
                v = v * 10 + static_cast<unsigned>(c - '0');
            }
            size = v;
        }
    }
    return size;
}

}  // namespace

struct archive_verifier::state
{
    z_stream z{};
    bool z_ready = false;
    bool gzip_ended = false;
    std::optional<error> failed;
    archive_summary summary;

    // The tar reader: a header block being assembled, or the data of entry `entry` with `remaining` bytes
    // plus `padding` to the next block.
    std::string header;
    std::size_t entry = 0;  // index into expected_entries of the current/next entry
    bool in_data = false;
    std::uint64_t remaining = 0;
    std::uint64_t padding = 0;
    std::uint64_t entry_size = 0;
    std::size_t zero_blocks = 0;
    sha256_hasher hash;
    std::string buffered;  // meta.json or SHA256SUMS
    std::string meta_sum, state_sum;
    std::uint64_t meta_size = 0;
    // A PAX extended header ('x', as Go's archive/tar writes for a member over 8 GiB) being read, and the
    // size it gives the next member.
    bool in_pax = false;
    std::optional<std::uint64_t> next_size;

    result<void> on_header(std::string_view h);
    result<void> on_data(std::string_view d);
    result<void> end_entry();
    result<void> tar_bytes(std::string_view d);
    result<void> inflate_bytes(std::string_view in);
    result<void> check_sums();
};

result<void> archive_verifier::state::on_header(std::string_view h)
{
    if (h.find_first_not_of('\0') == std::string_view::npos)
    {
        ++zero_blocks;
        return {};
    }
    if (zero_blocks > 0)
        return bad("data after the tar end");
    if (!checksum_ok(h))
        return bad("bad tar header checksum");
    if (entry >= expected_entries.size())
        return bad("unexpected entry \"" + entry_name(h) + "\" after SHA256SUMS.sealed");
    auto size = octal(h.substr(124, 12));
    if (h[156] == 'x')
    {
        if (!size || *size > max_buffered)
            return bad("bad PAX header before " + std::string(expected_entries[entry]));
        in_pax = in_data = true;
        entry_size = remaining = *size;
        padding = (block - *size % block) % block;
        buffered.clear();
        return remaining == 0 ? end_entry() : result<void>{};
    }
    const auto name = entry_name(h);
    if (name != expected_entries[entry])
        return bad("entry \"" + name + "\" where " + std::string(expected_entries[entry]) + " was expected");
    if (next_size)
        size = std::exchange(next_size, std::nullopt);
    if (!size)
        return bad("bad size in the header of " + name);
    if (h[156] != '0' && h[156] != '\0')
        return bad(name + " is not a regular file");
    if (entry != 1 && *size > max_buffered)
        return bad(name + " is implausibly large");
    entry_size = remaining = *size;
    padding = (block - *size % block) % block;
    in_data = true;
    hash = sha256_hasher{};
    buffered.clear();
    return remaining == 0 ? end_entry() : result<void>{};
}

result<void> archive_verifier::state::on_data(std::string_view d)
{
    if (in_pax)
    {
        buffered.append(d);
        return {};
    }
    if (entry <= 1)
        hash.update(d);
    if (entry != 1)
        buffered.append(d);
    return {};
}

result<void> archive_verifier::state::end_entry()
{
    in_data = false;
    if (in_pax)
    {
        in_pax = false;
        bool malformed = false;
        next_size = pax_size(buffered, malformed);
        if (malformed)
            return bad("malformed PAX header before " + std::string(expected_entries[entry]));
        return {};
    }
    switch (entry++)
    {
    case 0: {
        meta_sum = hash.hex_digest();
        boost::system::error_code ec;
        auto meta = boost::json::parse(buffered, ec);
        const auto* obj = ec ? nullptr : meta.if_object();
        const auto* size = obj ? obj->if_contains("Size") : nullptr;
        if (!size || !size->is_number())
            return bad("meta.json is not a snapshot meta (no Size)");
        meta_size = size->to_number<std::uint64_t>();
        if (const auto* i = obj->if_contains("Index"); i && i->is_number())
            summary.index = i->to_number<std::uint64_t>();
        if (const auto* t = obj->if_contains("Term"); t && t->is_number())
            summary.term = t->to_number<std::uint64_t>();
        return {};
    }
    case 1:
        state_sum = hash.hex_digest();
        summary.state_size = entry_size;
        if (entry_size != meta_size)
            return bad("state.bin has " + std::to_string(entry_size) + " bytes, meta.json says " +
                       std::to_string(meta_size));
        return {};
    case 2: return check_sums();
    default:
        if (entry_size == 0)
            return bad("SHA256SUMS.sealed is empty");
        return {};
    }
}

result<void> archive_verifier::state::check_sums()
{
    bool meta_ok = false, state_ok = false;
    std::string_view text = buffered;
    while (!text.empty())
    {
        const auto eol = text.find('\n');
        const auto line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        const auto sep = line.find("  ");
        if (sep == std::string_view::npos)
            return bad("malformed SHA256SUMS line");
        const auto sum = line.substr(0, sep), file = line.substr(sep + 2);
        if (file == "meta.json")
            meta_ok = sum == meta_sum;
        else if (file == "state.bin")
            state_ok = sum == state_sum;
        if ((file == "meta.json" && !meta_ok) || (file == "state.bin" && !state_ok))
            return bad("SHA-256 of " + std::string(file) + " does not match SHA256SUMS");
    }
    if (!meta_ok || !state_ok)
        return bad("SHA256SUMS does not list both meta.json and state.bin");
    return {};
}

result<void> archive_verifier::state::tar_bytes(std::string_view d)
{
    while (!d.empty())
    {
        if (in_data && remaining > 0)
        {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, d.size()));
            if (auto r = on_data(d.substr(0, n)); !r)
                return r;
            remaining -= n;
            d.remove_prefix(n);
            if (remaining == 0)
                if (auto r = end_entry(); !r)
                    return r;
            continue;
        }
        if (padding > 0)
        {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(padding, d.size()));
            padding -= n;
            d.remove_prefix(n);
            continue;
        }
        const auto n = std::min(block - header.size(), d.size());
        header.append(d.substr(0, n));
        d.remove_prefix(n);
        if (header.size() == block)
        {
            auto r = on_header(header);
            header.clear();
            if (!r)
                return r;
        }
    }
    return {};
}

result<void> archive_verifier::state::inflate_bytes(std::string_view in)
{
    if (gzip_ended && !in.empty())
        return bad("data after the end of the gzip stream");
    std::array<unsigned char, 64 * 1024> out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    while (z.avail_in > 0 && !gzip_ended)
    {
        z.next_out = out.data();
        z.avail_out = out.size();
        const int rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return bad(std::string("not a valid gzip stream (") + (z.msg ? z.msg : "zlib error") + ")");
        const std::string_view produced(reinterpret_cast<const char*>(out.data()), out.size() - z.avail_out);
        if (auto r = tar_bytes(produced); !r)
            return r;
        if (rc == Z_STREAM_END)
            gzip_ended = true;
    }
    if (gzip_ended && z.avail_in > 0)
        return bad("data after the end of the gzip stream");
    return {};
}

archive_verifier::archive_verifier()
    : st_(std::make_unique<state>())
{
    // 16 + MAX_WBITS: gzip framing only, with its CRC-32 and length checked at the end.
    st_->z_ready = inflateInit2(&st_->z, 16 + MAX_WBITS) == Z_OK;
}

archive_verifier::~archive_verifier()
{
    if (st_->z_ready)
        inflateEnd(&st_->z);
}

result<void> archive_verifier::feed(std::string_view chunk)
{
    if (st_->failed)
        return *st_->failed;
    if (!st_->z_ready)
        st_->failed = make_error(errc::internal, "zlib could not be initialised");
    else if (auto r = st_->inflate_bytes(chunk); !r)
        st_->failed = r.error();
    st_->summary.compressed_bytes += chunk.size();
    if (st_->failed)
        return *st_->failed;
    return {};
}

result<archive_summary> archive_verifier::finish()
{
    if (st_->failed)
        return *st_->failed;
    if (st_->summary.compressed_bytes == 0)
        return bad("empty");
    if (!st_->gzip_ended)
        return bad("truncated (the gzip stream does not end)");
    if (st_->entry < expected_entries.size())
        return bad("incomplete: " + std::string(expected_entries[st_->entry]) + " is missing");
    if (st_->zero_blocks < 2 || !st_->header.empty())
        return bad("the tar does not end with its two zero blocks");
    return st_->summary;
}

}  // namespace vk::snapshot
