// Vault raft snapshots: meta.json, state.bin (varint-delimited StorageEntry protobufs with barrier-encrypted
// values), SHA256SUMS and SHA256SUMS.sealed, in that order, as a gzip tar streamed chunk by chunk.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SNAPSHOT_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SNAPSHOT_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "keyring.hpp"

namespace vsim {

using entry_map = std::map<std::string, std::string, std::less<>>;

struct snapshot_input
{
    entry_map entries;  // plaintext logical storage (a copy: storage may change while streaming)
    bytes root_key;
    keyring ring;
    std::uint64_t index = 0;
    std::uint64_t term = 0;
    std::vector<std::string> server_ids;
    std::vector<std::string> server_addresses;
    // Test padding (POST /_sim/vault/snapshot-padding): about this many bytes of sealed filler records in
    // state.bin, keys outside logical/ so a restore ignores them; generated while streaming.
    std::uint64_t padding_bytes = 0;
    // Generated archives (benchmarks of tens of GiB): the filler is pseudo-random bytes from a counter, the
    // gzip stream stores instead of compressing, and every seal takes a nonce derived from what it seals,
    // so the archive costs little to make and is byte-identical from one download to the next.
    bool generated = false;
    // Every non-empty member's size goes in a PAX record, as Go writes it for members over 8 GiB (tests).
    bool pax_sizes = false;
};

// A producer for simc::response::stream: each call yields the next chunk of compressed archive (about
// 64 KiB), nullopt at the end. Memory stays proportional to one chunk plus the entry copy.
std::function<std::optional<std::string>()> snapshot_stream(snapshot_input in);

struct parsed_snapshot
{
    keyring ring;             // of the cluster that took the snapshot
    entry_map encrypted;      // logical key -> barrier blob under that cluster's root key
    std::string sums;         // SHA256SUMS text
    std::string sealed_sums;  // SHA256SUMS.sealed
    std::uint64_t index = 0;
};

// A checked snapshot, or Vault's error text ("failed to read snapshot: ...").
using snapshot_result = std::variant<parsed_snapshot, std::string>;

// Reads an archive as it arrives (restore bodies of tens of GiB): memory holds one buffer, the small
// members and the entries a restore keeps; state.bin's other records (the sim's filler) are hashed and
// skipped. Nothing is trusted before finish(), which checks: exactly meta.json, state.bin, SHA256SUMS,
// SHA256SUMS.sealed in order; gzip and tar complete; SHA256SUMS matches the members' hashes; meta.json and
// state.bin decode.
class snapshot_reader
{
public:
    snapshot_reader();
    ~snapshot_reader();
    snapshot_reader(const snapshot_reader&) = delete;
    snapshot_reader& operator=(const snapshot_reader&) = delete;

    // The next compressed bytes; after a failure they are ignored (the caller may still drain its input).
    void feed(std::string_view compressed);
    bool failed() const;
    // The input ended.
    snapshot_result finish();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// A whole archive through snapshot_reader.
snapshot_result parse_snapshot(std::string_view archive);
// True if SHA256SUMS.sealed opens with root_key, i.e. the snapshot comes from this cluster's keys.
bool sealed_by(const parsed_snapshot& snap, const bytes& root_key);
// Opens every value with root_key; nullopt if any fails.
std::optional<entry_map> decrypt_entries(const entry_map& encrypted, const bytes& root_key);

// One barrier-encrypted value as stored in snapshots and the journal; the key is the AAD.
std::string seal_value(const bytes& root_key, std::string_view key, std::string_view value);

}  // namespace vsim

#endif
