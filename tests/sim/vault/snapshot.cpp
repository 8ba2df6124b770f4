// Raft snapshot archive writer (streaming) for vault-sim; snapshot_reader.cpp reads them.
#include "snapshot.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <memory>

#include "archive.hpp"
#include "barrier.hpp"
#include "snapshot_format.hpp"

namespace vsim {
namespace json = boost::json;
using namespace snapshot_format;

namespace {
constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::string_view padding_prefix = "sim-padding/";
constexpr std::size_t padding_plain = 64 * 1024;

std::size_t varint_size(std::uint64_t v)
{
    std::size_t n = 1;
    while (v >= 0x80)
    {
        v >>= 7;
        ++n;
    }
    return n;
}

void put_varint(std::string& out, std::uint64_t v)
{
    while (v >= 0x80)
    {
        out.push_back(static_cast<char>((v & 0x7F) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// protobuf StorageEntry{string key = 1; bytes value = 2;}, prefixed with its varint length.
std::string encode_record(std::string_view key, std::string_view value)
{
    const auto body = 1 + varint_size(key.size()) + key.size() + 1 + varint_size(value.size()) + value.size();
    std::string out;
    out.reserve(varint_size(body) + body);
    put_varint(out, body);
    out.push_back(0x0a);
    put_varint(out, key.size());
    out.append(key);
    out.push_back(0x12);
    put_varint(out, value.size());
    out.append(value);
    return out;
}

std::uint64_t record_size(std::size_t key_size, std::size_t value_size)
{
    const auto body = 1 + varint_size(key_size) + key_size + 1 + varint_size(value_size) + value_size;
    return varint_size(body) + body;
}

std::string seal_config_json(const seal_config& cfg)
{
    return json::serialize(json::object{{"secret_shares", cfg.shares}, {"secret_threshold", cfg.threshold}});
}

std::string meta_json(const snapshot_input& in, std::uint64_t state_size)
{
    json::array servers;
    for (std::size_t i = 0; i < in.server_ids.size(); ++i)
        servers.push_back(
            json::object{{"Suffrage", 0}, {"ID", in.server_ids[i]}, {"Address", in.server_addresses[i]}});
    json::object meta{{"Version", 1},
                      {"ID", std::to_string(in.term) + "-" + std::to_string(in.index) + "-vaultsim"},
                      {"Index", in.index},
                      {"Term", in.term},
                      {"Peers", ""},
                      {"Configuration", json::object{{"Servers", std::move(servers)}}},
                      {"ConfigurationIndex", 1},
                      {"Size", state_size}};
    return json::serialize(meta);
}

// Generated archives' seals: the nonce is the start of SHA-256(aad || plaintext), so equal inputs seal alike.
std::string seal_reproducibly(const bytes& root_key, std::string_view plaintext, std::string_view aad)
{
    sha256_hasher h;
    h.update(aad);
    h.update(plaintext);
    const auto md = h.digest();
    return barrier::encrypt_with_nonce(root_key, bytes(md.begin(), md.begin() + barrier::nonce_size),
                                       plaintext, aad);
}

// Generated archives' filler: splitmix64 from the record number, incompressible and far cheaper than AES.
std::string generated_filler(std::uint64_t record)
{
    std::string out(padding_plain, '\0');
    std::uint64_t x = record * 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 0; i + 8 <= out.size(); i += 8)
    {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        std::memcpy(&out[i], &z, 8);
    }
    return out;
}

// The streaming state: header records first, then one logical entry per step, then the trailer members.
struct stream_state
{
    explicit stream_state(snapshot_input input)
        : in(std::move(input)),
          tar(in.generated ? 0 : 1)
    {
        if (in.pax_sizes)
            tar.pax_sizes_above(0);
    }

    snapshot_input in;
    tar_gz_writer tar;
    sha256_hasher state_hash;
    std::string meta;
    entry_map::const_iterator next;
    std::uint64_t padding_records = 0;
    std::uint64_t padding_next = 0;
    bool started = false;
    bool done = false;

    std::string seal(std::string_view plaintext, std::string_view aad) const
    {
        return in.generated ? seal_reproducibly(in.root_key, plaintext, aad)
                            : barrier::encrypt(in.root_key, plaintext, aad);
    }

    std::size_t padding_value_size() const
    {
        return in.generated ? padding_plain : barrier::nonce_size + padding_plain + barrier::tag_size;
    }

    std::string padding_value(std::uint64_t i) const
    {
        static const std::string zeros(padding_plain, '\0');
        return in.generated ? generated_filler(i) : seal(zeros, padding_key(i));
    }

    void write_state(std::string_view record)
    {
        state_hash.update(record);
        tar.write(record);
    }

    void start()
    {
        const auto config = seal_config_json(in.ring.config);
        std::uint64_t size = record_size(seal_config_key.size(), config.size()) +
                             record_size(wrapped_root_key.size(), in.ring.wrapped_root.size());
        for (const auto& [k, v] : in.entries)
            size += record_size(logical_prefix.size() + k.size(),
                                barrier::nonce_size + v.size() + barrier::tag_size);
        padding_records = (in.padding_bytes + padding_plain - 1) / padding_plain;
        for (std::uint64_t i = 0; i < padding_records; ++i)
            size += record_size(padding_key(i).size(), padding_value_size());
        meta = meta_json(in, size);
        tar.add_file("meta.json", meta);
        tar.begin_file("state.bin", size);
        write_state(encode_record(seal_config_key, config));
        write_state(encode_record(wrapped_root_key, in.ring.wrapped_root));
        next = in.entries.begin();
        started = true;
    }

    void finish()
    {
        tar.end_file();
        const auto sums = sha256_digest_hex(meta) + "  meta.json\n" + state_hash.hex() + "  state.bin\n";
        tar.add_file("SHA256SUMS", sums);
        tar.add_file("SHA256SUMS.sealed", seal(sums, sums_aad));
        tar.finish();
        done = true;
    }

    static std::string padding_key(std::uint64_t i)
    {
        return std::string(padding_prefix) + std::to_string(i);
    }

    std::optional<std::string> produce()
    {
        if (!started)
            start();
        while (!done && tar.pending_output() < chunk_size)
        {
            if (next == in.entries.end() && padding_next < padding_records)
            {
                const auto i = padding_next++;
                write_state(encode_record(padding_key(i), padding_value(i)));
                continue;
            }
            if (next == in.entries.end())
            {
                finish();
                break;
            }
            const auto key = std::string(logical_prefix) + next->first;
            write_state(encode_record(key, seal(next->second, key)));
            ++next;
        }
        auto out = tar.take_output();
        if (out.empty() && done)
            return std::nullopt;
        return out;
    }
};
}  // namespace

std::string seal_value(const bytes& root_key, std::string_view key, std::string_view value)
{
    return barrier::encrypt(root_key, value, key);
}

std::function<std::optional<std::string>()> snapshot_stream(snapshot_input in)
{
    auto st = std::make_shared<stream_state>(std::move(in));
    return [st] { return st->produce(); };
}

}  // namespace vsim
