// Batching changed buckets into Consul transactions (see write_plan.hpp).
#include "sync/model/write_plan.hpp"

#include "sync/model/bucket_json.hpp"

#include <algorithm>

namespace vk::sync {

namespace {
// {"KV":{"Verb":"set","Key":"","Value":""}} and the comma after it; the key and the base64 come on top.
constexpr std::size_t set_op_json = 42;
constexpr std::size_t array_brackets = 2;
}  // namespace

std::size_t txn_cost(std::size_t key_bytes, std::size_t value_bytes)
{
    return set_op_json + key_bytes + 4 * ((value_bytes + 2) / 3);
}

std::size_t txn_cost(const kv_pair& op)
{
    return txn_cost(op.key.size(), op.value.size());
}

std::size_t txn_cost(const planned_set& s)
{
    return txn_cost(s.key.size(), s.value_bytes);
}

bool fits_one_txn(const kv_pair& op, std::size_t max_body)
{
    return array_brackets + txn_cost(op) <= max_body;
}

bool fits_one_txn(const planned_set& s, std::size_t max_body)
{
    return array_brackets + txn_cost(s) <= max_body;
}

kv_pair materialize(const planned_set& s, const sync_info& info)
{
    return {s.key, s.bucket ? encode_bucket(info.bucket_at(*s.bucket)) : encode_index(info.index())};
}

namespace {

// Appends `op` to the last batch when the batch stays within both limits, else opens a new batch.
void add_op(std::vector<txn_batch>& batches, std::size_t& batch_body, planned_set op,
            const write_plan_options& o)
{
    const std::size_t max_ops = std::max<std::size_t>(o.max_ops, 1);
    const std::size_t cost = txn_cost(op);
    const bool fits = !batches.empty() && batches.back().size() < max_ops && batch_body + cost <= o.max_body;
    if (!fits)
    {
        batches.emplace_back();
        batch_body = array_brackets;
    }
    batch_body += cost;
    batches.back().push_back(std::move(op));
}

// The chosen buckets, then the index when asked.
std::vector<txn_batch> batch_writes(const rewrite_set& what, const sync_info& info, std::string_view prefix,
                                    const write_plan_options& options)
{
    std::vector<txn_batch> batches;
    std::size_t batch_body = 0;
    // bucket_bytes(i) is the size of bucket i's JSON as of the reindex the planners start with.
    for (std::size_t i : what.buckets)
        add_op(batches, batch_body, {bucket_key(prefix, i), i, info.bucket_bytes(i)}, options);
    if (what.index)
        add_op(batches, batch_body, {index_key(prefix), std::nullopt, encode_index(info.index()).size()},
               options);
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
