// The origin's "what to write" planner: only the buckets whose hash changed, batched into Consul
// transactions, with the index written last so destinations never see a new index before its buckets.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_WRITE_PLAN_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_WRITE_PLAN_HPP

#include "sync/model/consul_layout.hpp"
#include "sync/model/heal.hpp"
#include "sync/model/sync_info.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

struct write_plan_options
{
    // Older Consul accepts at most 64 operations per transaction.
    std::size_t max_ops = 64;
    // Consul bounds a transaction's whole request body (limits.txn_max_req_len, 512 KiB by default), where
    // each value is base64-encoded (x4/3) inside its JSON operation: a batch's body is kept within it. A
    // single value whose operation alone is bigger gets a batch of its own, which the shell writes with a
    // plain PUT (bounded by the value limit instead, see capacity.hpp).
    std::size_t max_body = 512 * 1024;
};

// One set a plan makes: its key, and its value as what to encode once the set is sent (bucket i of the
// info, or the info's index). A first publish of a million secrets so holds one transaction's JSON at a
// time, not every bucket's (about 100 MB).
struct planned_set
{
    std::string key;
    std::optional<std::size_t> bucket;  // nullopt: the index
    std::size_t value_bytes = 0;        // the size of the encoded value
    bool operator==(const planned_set&) const = default;
};

// The key and encoded value of `s`, from the info it was planned for (unchanged since).
kv_pair materialize(const planned_set& s, const sync_info& info);

// The bytes setting a key to a value adds to a transaction body: its JSON operation with the value in
// base64, and the comma after it.
std::size_t txn_cost(std::size_t key_bytes, std::size_t value_bytes);
std::size_t txn_cost(const kv_pair& op);
std::size_t txn_cost(const planned_set& s);
// Whether a transaction of this one operation fits the body limit.
bool fits_one_txn(const kv_pair& op, std::size_t max_body);
bool fits_one_txn(const planned_set& s, std::size_t max_body);

// One Consul transaction: set each key to its value, in order.
using txn_batch = std::vector<planned_set>;

// Reindexes `info`, then plans the sets that bring Consul from `previous_index` (the index last read or
// written; empty when none) to `info`: every bucket whose hash differs (all of them when the bucket count
// changed or there is no previous index), then the index, in the final batch. No batches when nothing
// changed. Bucket keys >= N left over from a larger N are not deleted (vsync leaves them; nobody reads them).
std::vector<txn_batch> plan_writes(const std::vector<std::string>& previous_index, sync_info& info,
                                   std::string_view prefix, const write_plan_options& options = {});

// Reindexes `info`, then plans the sets that bring Consul from what it `held` to `info` (heal_writes: every
// bucket that differs, then the index, in the final batch). What a writer uses after an interrupted save.
std::vector<txn_batch> plan_writes_from(const consul_holdings& held, sync_info& info, std::string_view prefix,
                                        const write_plan_options& options = {});

}  // namespace vk::sync

#endif
