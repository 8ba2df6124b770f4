// Healing after an interrupted save (issue 10): a save writes buckets in several transactions and the index
// last, so an error, a cancel, a deadline or a crash between them leaves Consul with new buckets under an old
// index. The writer then must not trust the index it remembers: it learns what Consul holds (the hash of
// every bucket it can read) and rewrites each bucket that differs from what it wants, then the index.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_HEAL_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_HEAL_HPP

#include "sync/model/consul_layout.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

// What Consul holds under one sync prefix, as far as the writer knows.
struct consul_holdings
{
    // The index hash (bucket_hash) of the value under bucket key i; "" when absent, undecodable or unknown
    // (always rewritten).
    std::vector<std::string> buckets;
    // The index key's hashes; nullopt when absent, unreadable or unknown (always rewritten).
    std::optional<std::vector<std::string>> index;

    // After a save or a read that saw index and buckets agree: Consul holds exactly `index`.
    static consul_holdings consistent(const std::vector<std::string>& index);
};

// Decodes and hashes the values of bucket keys 0..buckets-1 and decodes the index key (an index that does not
// decode is treated as absent). Never fails: what cannot be read is rewritten.
consul_holdings holdings_from_kv(std::string_view prefix, const kv_lookup& lookup, std::size_t buckets);

// The keys to write so that Consul holds `wanted`.
struct rewrite_set
{
    std::vector<std::size_t> buckets;  // ascending
    bool index = false;                // true when any bucket is rewritten or the index differs
};

// Every bucket i < wanted.size() whose held hash differs from wanted[i] (or is unknown), and the index
// when a bucket is rewritten or the held index is not `wanted`.
rewrite_set heal_writes(const consul_holdings& held, const std::vector<std::string>& wanted);

}  // namespace vk::sync

#endif
