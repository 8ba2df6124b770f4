// Bulk operations on a KV v2 mount for benchmarks: a deterministic, realistic-looking estate of secrets
// (seeded paths, sizes and times) and a digest of every live secret's data (to compare two sims quickly).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_BULK_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_BULK_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "storage.hpp"

namespace vsim::kv2 {

// Secret i of the estate generated from `seed`: path (below prefix) 2 to 6 segments deep — folders named
// like team/app/env/component/shard, the leaf 8 hex digits unique per i — and a JSON object of 1 to 4
// string fields, 50 to 2,000 bytes serialised (most small), written at a time up to a year before now.
struct seeded_secret
{
    std::string path;
    std::string data_json;
    std::int64_t written_ns = 0;
};

// Pure: the same (seed, i) always gives the same secret; distinct i (< 2^32) give distinct paths. prefix is
// used as a folder ("a" and "a/" both mean "a/").
seeded_secret seeded(std::uint64_t seed, std::uint32_t i, std::string_view prefix, std::int64_t now_ns);

// Live secrets (current version neither deleted nor destroyed) stored under key_prefix: how many and a
// SHA-256 (hex) over their (path, data) pairs in path order, data with object keys sorted.
struct digest_result
{
    std::size_t secrets = 0;
    std::string sha256;
};
digest_result digest(const storage& st, const std::string& key_prefix, std::int64_t now_ns);

}  // namespace vsim::kv2

#endif
