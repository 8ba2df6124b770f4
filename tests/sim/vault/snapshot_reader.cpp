// Reading raft snapshot archives as they stream in: members are hashed while they pass, state.bin is decoded
// record by record keeping only what a restore needs (seal config, wrapped root key, logical entries), and
// every check runs at the end, so a body of any size costs one buffer.
#include <boost/json.hpp>

#include <array>

#include "archive.hpp"
#include "archive_reader.hpp"
#include "barrier.hpp"
#include "snapshot.hpp"
#include "snapshot_format.hpp"

namespace vsim {
namespace json = boost::json;
using namespace snapshot_format;

namespace {
// meta.json and the sums are a few hundred bytes; anything far bigger is not a snapshot of ours.
constexpr std::size_t small_member_limit = 1 << 20;
// A record header is two tags and three varints around the key; keys are short paths.
constexpr std::size_t record_header_limit = 64 * 1024;

enum class header_parse
{
    incomplete,
    malformed,
    done
};

// Reads a varint at pos; nullopt when the data ends first (or it runs past 64 bits).
std::optional<std::uint64_t> get_varint(std::string_view data, std::size_t& pos)
{
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos < data.size(); shift += 7)
    {
        const auto c = static_cast<unsigned char>(data[pos++]);
        v |= std::uint64_t{c & 0x7Fu} << shift;
        if (!(c & 0x80))
            return v;
    }
    return std::nullopt;
}

// The start of one varint-delimited StorageEntry{key = 1; value = 2}: everything up to the value bytes.
struct record_header
{
    std::size_t length = 0;  // bytes of the header itself
    std::string_view key;
    std::uint64_t value_size = 0;
};

header_parse parse_record_header(std::string_view data, record_header& out)
{
    std::size_t pos = 0;
    const auto body = get_varint(data, pos);
    const auto body_start = pos;
    if (!body || pos >= data.size())
        return header_parse::incomplete;
    if (data[pos++] != 0x0a)
        return header_parse::malformed;
    const auto key_size = get_varint(data, pos);
    if (!key_size || pos + *key_size + 1 > data.size())
        return header_parse::incomplete;
    out.key = data.substr(pos, *key_size);
    pos += *key_size;
    if (data[pos++] != 0x12)
        return header_parse::malformed;
    const auto value_size = get_varint(data, pos);
    if (!value_size)
        return header_parse::incomplete;
    if (*body != pos - body_start + *value_size)
        return header_parse::malformed;
    out.length = pos;
    out.value_size = *value_size;
    return header_parse::done;
}

bool restore_keeps(std::string_view key)
{
    return key == seal_config_key || key == wrapped_root_key || key.starts_with(logical_prefix);
}

}  // namespace

// state.bin, decoded incrementally; values of keys a restore ignores are skipped, never buffered. (Outside
// the anonymous namespace: snapshot_reader::impl holds one.)
class state_decoder
{
public:
    explicit state_decoder(parsed_snapshot& out)
        : out_(out)
    {
    }

    void feed(std::string_view data)
    {
        while (!data.empty() && !error_)
        {
            if (value_left_ == 0)
                take_header(data);
            else
                take_value(data);
        }
    }

    // The member ended: an error when it stopped inside a record, a record was bad, or no keyring came.
    std::optional<std::string> finish() const
    {
        if (error_)
            return error_;
        if (!pending_.empty() || value_left_ != 0)
            return std::string{"state.bin: truncated record"};
        if (out_.ring.wrapped_root.empty())
            return std::string{"state.bin: no keyring"};
        return std::nullopt;
    }

private:
    // Collects header bytes a few at a time; once the header parses, leaves the rest of data untouched.
    void take_header(std::string_view& data)
    {
        const auto before = pending_.size();
        const auto n = std::min<std::size_t>(data.size(), 64);
        pending_.append(data.substr(0, n));
        record_header h;
        const auto parsed = parse_record_header(pending_, h);
        if (parsed == header_parse::malformed || pending_.size() > record_header_limit)
        {
            error_ = "state.bin: malformed record";
            return;
        }
        if (parsed == header_parse::incomplete)
        {
            data.remove_prefix(n);
            return;
        }
        data.remove_prefix(h.length - before);
        key_ = std::string(h.key);
        keep_ = restore_keeps(key_);
        value_left_ = h.value_size;
        value_.clear();
        pending_.clear();
        if (value_left_ == 0)
            store();
    }

    void take_value(std::string_view& data)
    {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(value_left_, data.size()));
        if (keep_)
            value_.append(data.substr(0, n));
        data.remove_prefix(n);
        value_left_ -= n;
        if (value_left_ == 0)
            store();
    }

    void store()
    {
        if (!keep_)
            return;
        if (key_ == seal_config_key)
            store_seal_config();
        else if (key_ == wrapped_root_key)
            out_.ring.wrapped_root = std::move(value_);
        else
            out_.encrypted.emplace(std::move(key_), std::move(value_));
    }

    void store_seal_config()
    {
        boost::system::error_code ec;
        auto cfg = json::parse(value_, ec);
        const auto* obj = ec ? nullptr : cfg.if_object();
        const auto* shares = obj ? obj->if_contains("secret_shares") : nullptr;
        const auto* threshold = obj ? obj->if_contains("secret_threshold") : nullptr;
        if (!shares || !threshold || !shares->is_int64() || !threshold->is_int64())
        {
            error_ = "state.bin: malformed seal configuration";
            return;
        }
        out_.ring.config = {static_cast<int>(shares->as_int64()), static_cast<int>(threshold->as_int64())};
    }

    parsed_snapshot& out_;
    std::string pending_;  // header bytes collected so far
    std::string key_;
    std::string value_;
    bool keep_ = false;
    std::uint64_t value_left_ = 0;
    std::optional<std::string> error_;
};

namespace {
constexpr std::array<std::string_view, 4> member_names = {"meta.json", "state.bin", "SHA256SUMS",
                                                          "SHA256SUMS.sealed"};
}  // namespace

// The four members in order: meta.json and the sums kept (small), state.bin decoded, each one hashed.
struct snapshot_reader::impl : tar_member_sink
{
    parsed_snapshot out;
    state_decoder state{out};
    tar_gz_reader tar{*this};
    std::optional<std::string> error;
    std::size_t members = 0;
    sha256_hasher hash;
    std::array<std::string, 4> hex;    // SHA-256 of each member
    std::array<std::string, 4> small;  // contents of every member but state.bin

    std::optional<std::string> begin_member(std::string_view name, std::uint64_t) override
    {
        if (members >= member_names.size())
            return std::string{"unexpected number of archive members"};
        if (name != member_names[members])
            return "unexpected file in snapshot: " + std::string(name);
        hash = sha256_hasher{};
        return std::nullopt;
    }

    std::optional<std::string> member_data(std::string_view data) override
    {
        hash.update(data);
        if (members == 1)
        {
            state.feed(data);
            return std::nullopt;
        }
        if (small[members].size() + data.size() > small_member_limit)
            return std::string(member_names[members]) + " too large";
        small[members].append(data);
        return std::nullopt;
    }

    std::optional<std::string> end_member() override
    {
        hex[members++] = hash.hex();
        return std::nullopt;
    }

    // Every check, in the order a whole-archive reader would meet them.
    std::optional<std::string> check()
    {
        if (auto err = error ? error : tar.finish())
            return err;
        if (members != member_names.size())
            return std::string{"unexpected number of archive members"};
        if (small[2] != hex[0] + "  meta.json\n" + hex[1] + "  state.bin\n")
            return std::string{"checksum mismatch"};
        boost::system::error_code ec;
        const auto meta = json::parse(small[0], ec);
        const auto* index = ec || !meta.is_object() ? nullptr : meta.as_object().if_contains("Index");
        if (!index || !index->is_number())
            return std::string{"meta.json: no Index"};
        out.index = index->to_number<std::uint64_t>(ec);
        return ec ? std::optional<std::string>{"meta.json: bad Index"} : state.finish();
    }
};

snapshot_reader::snapshot_reader()
    : impl_(std::make_unique<impl>())
{
}

snapshot_reader::~snapshot_reader() = default;

void snapshot_reader::feed(std::string_view compressed)
{
    if (!impl_->error)
        impl_->error = impl_->tar.feed(compressed);
}

bool snapshot_reader::failed() const
{
    return impl_->error.has_value();
}

snapshot_result snapshot_reader::finish()
{
    if (auto err = impl_->check())
        return "failed to read snapshot: " + *err;
    impl_->out.sums = std::move(impl_->small[2]);
    impl_->out.sealed_sums = std::move(impl_->small[3]);
    return std::move(impl_->out);
}

snapshot_result parse_snapshot(std::string_view archive)
{
    snapshot_reader reader;
    reader.feed(archive);
    return reader.finish();
}

bool sealed_by(const parsed_snapshot& snap, const bytes& root_key)
{
    return barrier::decrypt(root_key, snap.sealed_sums, sums_aad) == snap.sums;
}

std::optional<entry_map> decrypt_entries(const entry_map& encrypted, const bytes& root_key)
{
    entry_map out;
    for (const auto& [key, blob] : encrypted)
    {
        auto plain = barrier::decrypt(root_key, blob, key);
        if (!plain)
            return std::nullopt;
        out.emplace_hint(out.end(), key.substr(logical_prefix.size()), std::move(*plain));
    }
    return out;
}

}  // namespace vsim
