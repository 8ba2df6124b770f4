// Batching changed buckets into Consul transactions (see write_plan.hpp).
#include "sync/model/write_plan.hpp"

#include "sync/model/bucket_json.hpp"

#include <algorithm>

namespace vk::sync {
namespace {

// Appends `op` to the last batch when it fits both limits, else opens a new batch.
void add_op(std::vector<txn_batch>& batches, std::size_t& batch_bytes, kv_pair op,
            const write_plan_options& o)
{
    const std::size_t max_ops = std::max<std::size_t>(o.max_ops, 1);
    const bool fits =
        !batches.empty() && batches.back().size() < max_ops && batch_bytes + op.value.size() <= o.max_bytes;
    if (!fits)
    {
        batches.emplace_back();
        batch_bytes = 0;
    }
    batch_bytes += op.value.size();
    batches.back().push_back(std::move(op));
}

// The chosen buckets, then the index when asked.
std::vector<txn_batch> batch_writes(const rewrite_set& what, const sync_info& info, std::string_view prefix,
                                    const write_plan_options& options)
{
    std::vector<txn_batch> batches;
    std::size_t batch_bytes = 0;
    for (std::size_t i : what.buckets)
        add_op(batches, batch_bytes, {bucket_key(prefix, i), encode_bucket(info.bucket_at(i))}, options);
    if (what.index)
        add_op(batches, batch_bytes, {index_key(prefix), encode_index(info.index())}, options);
    return batches;
}

}  // namespace

std::vector<txn_batch> plan_writes(const std::vector<std::string>& previous_index, sync_info& info,
                                   std::string_view prefix, const write_plan_options& options)
{
    info.reindex();
    const auto& index = info.index();
    const bool same_count = previous_index.size() == index.size();
    rewrite_set what;
    for (std::size_t i = 0; i < index.size(); ++i)
        if (!same_count || previous_index[i] != index[i])
            what.buckets.push_back(i);
    // An unchanged index is not rewritten either: writing it would wake every destination's watch for
    // nothing.
    what.index = !what.buckets.empty() || !same_count;
    return batch_writes(what, info, prefix, options);
}

std::vector<txn_batch> plan_writes_from(const consul_holdings& held, sync_info& info, std::string_view prefix,
                                        const write_plan_options& options)
{
    info.reindex();
    return batch_writes(heal_writes(held, info.index()), info, prefix, options);
}

}  // namespace vk::sync
