// Encrypted append-only journal and seal file for vault-sim's --data-dir.
#include "journal.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "barrier.hpp"

namespace vsim {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {
constexpr std::string_view frame_aad = "vault-sim journal";
constexpr std::size_t frame_target = 4u << 20;

void put_u32(std::string& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::optional<std::uint32_t> get_u32(std::string_view in, std::size_t& pos)
{
    if (pos + 4 > in.size())
        return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= std::uint32_t{static_cast<unsigned char>(in[pos + i])} << (8 * i);
    pos += 4;
    return v;
}

void add_put(std::string& batch, std::string_view key, std::string_view value)
{
    batch.push_back('P');
    put_u32(batch, static_cast<std::uint32_t>(key.size()));
    batch.append(key);
    put_u32(batch, static_cast<std::uint32_t>(value.size()));
    batch.append(value);
}

void add_del(std::string& batch, std::string_view key)
{
    batch.push_back('D');
    put_u32(batch, static_cast<std::uint32_t>(key.size()));
    batch.append(key);
}

// A frame's plaintext is the raft index (8 bytes, little endian) followed by the batch of records.
std::string frame(const bytes& root_key, std::uint64_t raft_index, std::string_view batch)
{
    std::string plain;
    plain.reserve(8 + batch.size());
    put_u32(plain, static_cast<std::uint32_t>(raft_index));
    put_u32(plain, static_cast<std::uint32_t>(raft_index >> 32));
    plain.append(batch);
    const auto blob = barrier::encrypt(root_key, plain, frame_aad);
    std::string out;
    put_u32(out, static_cast<std::uint32_t>(blob.size()));
    return out + blob;
}

std::string read_file(const std::string& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Applies one decrypted batch; false if it is malformed.
bool replay(std::string_view batch, entry_map& out)
{
    std::size_t pos = 0;
    while (pos < batch.size())
    {
        const char op = batch[pos++];
        const auto klen = get_u32(batch, pos);
        if (!klen || pos + *klen > batch.size())
            return false;
        std::string key(batch.substr(pos, *klen));
        pos += *klen;
        if (op == 'D')
        {
            out.erase(key);
            continue;
        }
        const auto vlen = get_u32(batch, pos);
        if (op != 'P' || !vlen || pos + *vlen > batch.size())
            return false;
        out.insert_or_assign(std::move(key), std::string(batch.substr(pos, *vlen)));
        pos += *vlen;
    }
    return true;
}

void write_atomically(const std::string& target, std::string_view contents)
{
    const auto tmp = target + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        if (!out)
            throw std::runtime_error("cannot write " + tmp);
    }
    fs::rename(tmp, target);
}
}  // namespace

journal::journal(std::string dir)
    : dir_(std::move(dir))
{
    fs::create_directories(dir_);
    std::error_code ec;
    const auto size = fs::file_size(path("journal.bin"), ec);
    size_ = ec ? 0 : size;
}

std::optional<persisted_seal> journal::load_seal() const
{
    const auto text = read_file(path("seal.json"));
    if (text.empty())
        return std::nullopt;
    const auto o = json::parse(text).as_object();
    persisted_seal s;
    s.ring.config = {static_cast<int>(o.at("secret_shares").as_int64()),
                     static_cast<int>(o.at("secret_threshold").as_int64())};
    const auto wrapped = base64_decode(o.at("wrapped_root").as_string());
    s.ring.wrapped_root = wrapped ? std::string(wrapped->begin(), wrapped->end()) : "";
    s.cluster_id = o.at("cluster_id").as_string();
    s.cluster_name = o.at("cluster_name").as_string();
    return s;
}

void journal::save_seal(const persisted_seal& s) const
{
    const json::object o{
        {"secret_shares", s.ring.config.shares},
        {"secret_threshold", s.ring.config.threshold},
        {"wrapped_root", base64_encode(bytes(s.ring.wrapped_root.begin(), s.ring.wrapped_root.end()))},
        {"cluster_id", s.cluster_id},
        {"cluster_name", s.cluster_name}};
    write_atomically(path("seal.json"), json::serialize(o));
}

std::optional<journal::loaded> journal::load_entries(const bytes& root_key) const
{
    const auto data = read_file(path("journal.bin"));
    loaded out;
    std::size_t pos = 0;
    while (pos < data.size())
    {
        const auto len = get_u32(data, pos);
        if (!len || pos + *len > data.size())
            break;  // torn write at the end (crash while appending): everything before it is intact
        const auto plain = barrier::decrypt(root_key, std::string_view(data).substr(pos, *len), frame_aad);
        std::size_t hpos = 0;
        const auto lo = plain ? get_u32(*plain, hpos) : std::nullopt;
        const auto hi = plain ? get_u32(*plain, hpos) : std::nullopt;
        if (!lo || !hi || !replay(std::string_view(*plain).substr(8), out.entries))
            return std::nullopt;
        out.raft_index = (std::uint64_t{*hi} << 32) | *lo;
        pos += *len;
    }
    return out;
}

void journal::append(const bytes& root_key, const entry_map& entries,
                     const std::set<std::string, std::less<>>& dirty, std::uint64_t raft_index)
{
    std::string batch;
    for (const auto& key : dirty)
    {
        if (const auto it = entries.find(key); it != entries.end())
            add_put(batch, key, it->second);
        else
            add_del(batch, key);
    }
    const auto f = frame(root_key, raft_index, batch);
    std::ofstream out(path("journal.bin"), std::ios::binary | std::ios::app);
    out.write(f.data(), static_cast<std::streamsize>(f.size()));
    out.flush();
    size_ += f.size();
}

void journal::save_pending(const entry_map& encrypted) const
{
    std::string file;
    for (const auto& [k, v] : encrypted)
        add_put(file, k, v);
    write_atomically(path("pending.bin"), file);
}

std::optional<entry_map> journal::load_pending() const
{
    if (!fs::exists(path("pending.bin")))
        return std::nullopt;
    entry_map out;
    if (!replay(read_file(path("pending.bin")), out))
        return std::nullopt;
    return out;
}

void journal::drop_pending() const
{
    std::error_code ec;
    fs::remove(path("pending.bin"), ec);
}

void journal::rewrite(const bytes& root_key, const entry_map& entries, std::uint64_t raft_index)
{
    std::string file;
    std::string batch;
    for (const auto& [k, v] : entries)
    {
        add_put(batch, k, v);
        if (batch.size() >= frame_target)
            file += frame(root_key, raft_index, std::exchange(batch, {}));
    }
    if (!batch.empty() || file.empty())
        file += frame(root_key, raft_index, batch);
    write_atomically(path("journal.bin"), file);
    size_ = file.size();
}

}  // namespace vsim
