// Reading and writing the sync info over the Consul client.
#include "sync/consul_store.hpp"
#include "async/sleep.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <map>

#include "consul/client.hpp"
#include "runtime/workers.hpp"
#include "sync/model/bucket_json.hpp"
#include "sync/model/consul_layout.hpp"
#include "sync/model/info_assembly.hpp"
#include "sync/model/write_plan.hpp"

namespace vk::sync {
namespace asio = boost::asio;

namespace {

struct index_read
{
    std::optional<std::vector<std::string>> index;  // nullopt: the key is absent
    std::uint64_t modify_index = 0;
};

asio::awaitable<result<index_read>> read_index(consul::client& c, const std::string& prefix)
{
    auto key = index_key(prefix);
    auto r = co_await c.get(key);
    if (!r)
        co_return r.error();
    if (!r->value)
        co_return index_read{};
    auto decoded = decode_index(r->value->value, key);
    if (!decoded)
        co_return decoded.error();
    co_return index_read{std::move(*decoded), r->value->modify_index};
}

}  // namespace

asio::awaitable<result<void>> read_bucket_keys(consul::client& c, const std::string& prefix,
                                               const std::vector<std::size_t>& which, std::size_t workers,
                                               const bucket_taker& take)
{
    std::optional<error> failure;
    std::function<asio::awaitable<void>(std::size_t)> read_one = [&](std::size_t k) -> asio::awaitable<void> {
        if (failure)
            co_return;
        auto r = co_await c.get(bucket_key(prefix, which[k]));
        if (!r)
            failure = r.error();
        else if (auto e = take(which[k], r->value ? &r->value->value : nullptr))
            failure = std::move(*e);
    };
    co_await runtime::for_each_bounded(which.size(), workers, read_one);
    if (failure)
        co_return *failure;
    co_return result<void>{};
}

namespace {

std::vector<std::size_t> first_keys(std::size_t n)
{
    std::vector<std::size_t> out(n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = i;
    return out;
}

// The index and then every bucket key, one at a time, into an assembly.
asio::awaitable<result<info_assembly>> assemble(consul::client& c, const std::string& prefix,
                                                std::size_t holding_buckets, std::size_t workers)
{
    auto ir = co_await c.get(index_key(prefix));
    if (!ir)
        co_return ir.error();
    info_assembly a(prefix, ir->value ? &ir->value->value : nullptr, holding_buckets);
    const auto keys = first_keys(a.keys());
    const bucket_taker take = [&](std::size_t i, const std::string* v) -> std::optional<error> {
        a.add(i, v);
        return std::nullopt;
    };
    auto read = co_await read_bucket_keys(c, prefix, keys, workers, take);
    if (!read)
        co_return read.error();
    co_return a;
}

}  // namespace

asio::awaitable<result<info_state>> info_reader::read_all(consul::client& c, std::size_t workers)
{
    auto a = co_await assemble(c, prefix_, info_assembly::index_length, workers);
    if (!a)
        co_return a.error();
    if (a->index_absent())
    {
        reset();
        co_return info_state{};
    }
    auto loaded = a->take_info();
    if (!loaded)
        co_return loaded.error();
    info_ = std::move(loaded->info);
    if (own_ && !loaded->torn.empty())
    {
        // Our own save stopped half way: keep what the buckets say, each entry in its right bucket.
        holdings_ = a->take_holdings();
        auto settled = rebucket(*info_, info_->bucket_count());
        if (!settled)
            co_return settled.error();
        info_ = std::move(*settled);
        co_return info_state{true, true, 0};
    }
    // A torn read is repaired by the caller's round loop: pretend the torn buckets' hashes are unknown.
    info_state st{true, true, 0};
    std::vector<std::size_t> torn = std::move(loaded->torn);
    for (int round = 0; !torn.empty(); ++round)
    {
        if (round == max_rounds)
            co_return make_error(errc::conflict, "sync info kept changing while read (torn read)", {},
                                 index_key(prefix_));
        co_await vk::sleep_for(std::chrono::milliseconds(50 << round));
        auto idx = co_await read_index(c, prefix_);
        if (!idx)
            co_return idx.error();
        if (!idx->index)
            co_return make_error(errc::not_found, "sync index disappeared while read", {},
                                 index_key(prefix_));
        if (idx->index->size() != info_->bucket_count())
            co_return co_await read_all(c, workers);  // the bucket count changed under us: start over
        if (auto rb = co_await read_buckets(c, torn, workers); !rb)
            co_return rb.error();
        torn = torn_buckets(*info_, *idx->index);
    }
    info_->reindex();
    holdings_ = consul_holdings::consistent(info_->index());
    co_return st;
}

asio::awaitable<result<void>> info_reader::read_buckets(consul::client& c, std::vector<std::size_t> which,
                                                        std::size_t workers)
{
    const bucket_taker take = [&](std::size_t i, const std::string* v) -> std::optional<error> {
        auto key = bucket_key(prefix_, i);
        if (!v)
            return make_error(errc::not_found, "sync bucket is missing", {}, key);
        auto b = decode_bucket(*v, key);
        if (!b)
            return b.error();
        info_->set_bucket(i, std::move(*b));
        info_->reindex_bucket(i);  // now, not all buckets at once after the last one arrived
        return std::nullopt;
    };
    co_return co_await read_bucket_keys(c, prefix_, which, workers, take);
}

asio::awaitable<result<info_state>> info_reader::refresh(consul::client& c, std::size_t workers)
{
    if (!info_)
        co_return co_await read_all(c, workers);
    for (int round = 0; round < max_rounds; ++round)
    {
        auto idx = co_await read_index(c, prefix_);
        if (!idx)
            co_return idx.error();
        if (!idx->index)
        {
            reset();
            co_return info_state{};
        }
        if (idx->index->size() != info_->bucket_count())
            co_return co_await read_all(c, workers);
        auto stale = torn_buckets(*info_, *idx->index);
        if (stale.empty())
        {
            holdings_ = consul_holdings::consistent(*idx->index);
            co_return info_state{true, round > 0, idx->modify_index};
        }
        if (own_)
            co_return co_await read_all(c,
                                        workers);  // only a save of ours writes here: what Consul holds wins
        if (auto rb = co_await read_buckets(c, std::move(stale), workers); !rb)
            co_return rb.error();
        if (torn_buckets(*info_, *idx->index).empty())
        {
            holdings_ = consul_holdings::consistent(*idx->index);
            co_return info_state{true, true, idx->modify_index};
        }
        co_await vk::sleep_for(std::chrono::milliseconds(50 << round));
    }
    co_return make_error(errc::conflict, "sync info kept changing while read (torn read)", {},
                         index_key(prefix_));
}

asio::awaitable<result<published_index>> load_index(consul::client& c, const std::string& prefix)
{
    auto r = co_await read_index(c, prefix);
    if (!r)
        co_return r.error();
    co_return published_index{r->index.value_or(std::vector<std::string>{}), r->modify_index};
}

namespace {

write_plan_options options_for(const consul::client& c)
{
    write_plan_options opts;
    opts.max_ops = std::min(opts.max_ops, c.max_txn_ops());
    return opts;
}

// One batch: a transaction, or a plain PUT for a bucket whose operation alone does not fit a transaction
// body. Its values are encoded only now. Returns the keys written.
asio::awaitable<result<std::size_t>> send_batch(consul::client& c, const std::string& prefix,
                                                const txn_batch& batch, const sync_info& info)
{
    if (batch.size() == 1 && !fits_one_txn(batch.front(), write_plan_options{}.max_body))
    {
        kv_pair kv = materialize(batch.front(), info);
        auto r = co_await c.put(kv.key, std::move(kv.value));
        if (!r)
            co_return r.error();
        if (!*r)
            co_return make_error(errc::conflict, "consul refused the write", {}, kv.key);
        co_return std::size_t{1};
    }
    std::vector<consul::txn_op> ops;
    ops.reserve(batch.size());
    for (const auto& set : batch)
    {
        kv_pair kv = materialize(set, info);
        consul::txn_op op;
        op.verb = consul::kv_verb::set;
        op.key = std::move(kv.key);
        op.value = std::move(kv.value);
        ops.push_back(std::move(op));
    }
    auto r = co_await c.txn(std::move(ops));
    if (!r)
        co_return r.error();
    if (!r->committed)
        co_return make_error(
            errc::conflict,
            "consul rolled the sync info transaction back: " +
                (r->errors.empty() ? std::string("no reason given") : r->errors.front().what),
            {}, prefix);
    co_return batch.size();
}

// Two batches in flight: one is encoded while Consul applies the other (sent one by one, a save was the
// sum of both, most of a 1%-changed cycle at a million). No batch starts after one failed, and the final
// batch, which holds the index, goes alone once every other one was written. `info` must not change
// meanwhile.
constexpr std::size_t batches_in_flight = 2;

asio::awaitable<result<std::size_t>> send_batches(consul::client& c, const std::string& prefix,
                                                  const std::vector<txn_batch>& batches,
                                                  const sync_info& info)
{
    if (batches.empty())
        co_return std::size_t{0};
    std::size_t written = 0;
    std::optional<error> failure;
    std::function<asio::awaitable<void>(std::size_t)> one = [&](std::size_t i) -> asio::awaitable<void> {
        if (failure)
            co_return;
        auto r = co_await send_batch(c, prefix, batches[i], info);
        if (!r)
            failure = r.error();
        else
            written += *r;
    };
    co_await runtime::for_each_bounded(batches.size() - 1, batches_in_flight, one);
    if (failure)
        co_return *failure;
    auto last = co_await send_batch(c, prefix, batches.back(), info);
    if (!last)
        co_return last.error();
    co_return written + *last;
}

}  // namespace

asio::awaitable<result<std::size_t>> save_info(consul::client& c, const std::string& prefix,
                                               const std::vector<std::string>& previous_index,
                                               sync_info& info)
{
    const auto batches = plan_writes(previous_index, info, prefix, options_for(c));
    co_return co_await send_batches(c, prefix, batches, info);
}

asio::awaitable<result<std::size_t>> save_info(consul::client& c, const std::string& prefix,
                                               const consul_holdings& held, sync_info& info)
{
    const auto batches = plan_writes_from(held, info, prefix, options_for(c));
    co_return co_await send_batches(c, prefix, batches, info);
}

asio::awaitable<result<published_state>> load_published(consul::client& c, const std::string& prefix,
                                                        std::size_t buckets)
{
    auto a = co_await assemble(c, prefix, buckets, 16);
    if (!a)
        co_return a.error();
    published_state out{a->take_holdings(), std::nullopt, {}};
    if (auto loaded = a->take_info())
    {
        for (std::size_t b : loaded->torn)
            loaded->info.set_bucket(b, bucket{});
        out.info = std::move(loaded->info);
        out.torn = std::move(loaded->torn);
    }
    co_return out;
}

}  // namespace vk::sync
