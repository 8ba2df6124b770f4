// The origin's "what to write" planner: only the buckets whose hash changed, batched into Consul
// transactions, with the index written last so destinations never see a new index before its buckets.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_WRITE_PLAN_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_WRITE_PLAN_HPP

#include "sync/model/consul_layout.hpp"
#include "sync/model/heal.hpp"
#include "sync/model/sync_info.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

struct write_plan_options
{
    // Older Consul accepts at most 64 operations per transaction.
    std::size_t max_ops = 64;
    // Raw value bytes per transaction. The txn body base64-encodes values (x4/3) and Consul bounds the body
    // (limits.txn_max_req_len, 512 KiB by default), so 384 KiB raw stays under it. A single larger value
    // still gets a transaction of its own; the shell must then fall back to a plain PUT if Consul refuses.
    std::size_t max_bytes = 384 * 1024;
};

// One Consul transaction: set each key to its value, in order.
using txn_batch = std::vector<kv_pair>;

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
