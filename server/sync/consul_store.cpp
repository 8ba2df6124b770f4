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
#include "sync/model/write_plan.hpp"

namespace vk::sync {
namespace asio = boost::asio;

namespace {

// A bucket that does not fit a transaction body (base64 grows it by 4/3) is written with a plain PUT.
constexpr std::size_t plain_put_above = 384 * 1024;

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

asio::awaitable<result<info_state>> info_reader::read_all(consul::client& c)
{
    auto r = co_await c.get_recurse(prefix_);
    if (!r)
        co_return r.error();
    const auto& entries = r->value;
    auto lookup = [&](std::string_view key) -> const std::string* {
        auto it = std::lower_bound(entries.begin(), entries.end(), key,
                                   [](const consul::kv_entry& e, std::string_view k) { return e.key < k; });
        return it != entries.end() && it->key == key ? &it->value : nullptr;
    };
    if (!lookup(index_key(prefix_)))
    {
        reset();
        co_return info_state{};
    }
    auto loaded = from_kv(prefix_, kv_lookup(lookup));
    if (!loaded)
        co_return loaded.error();
    info_ = std::move(loaded->info);
    if (own_ && !loaded->torn.empty())
    {
        // Our own save stopped half way: keep what the buckets say, each entry in its right bucket.
        holdings_ = holdings_from_kv(prefix_, kv_lookup(lookup), info_->bucket_count());
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
            co_return co_await read_all(c);  // the bucket count changed under us: start over
        if (auto rb = co_await read_buckets(c, torn, 16); !rb)
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
    std::optional<error> failure;
    std::function<asio::awaitable<void>(std::size_t)> read_one = [&](std::size_t k) -> asio::awaitable<void> {
        if (failure)
            co_return;
        auto key = bucket_key(prefix_, which[k]);
        auto r = co_await c.get(key);
        if (!r)
        {
            failure = r.error();
            co_return;
        }
        if (!r->value)
        {
            failure = make_error(errc::not_found, "sync bucket is missing", {}, key);
            co_return;
        }
        auto b = decode_bucket(r->value->value, key);
        if (!b)
        {
            failure = b.error();
            co_return;
        }
        info_->set_bucket(which[k], std::move(*b));
    };
    co_await runtime::for_each_bounded(which.size(), workers, read_one);
    if (failure)
        co_return *failure;
    co_return result<void>{};
}

asio::awaitable<result<info_state>> info_reader::refresh(consul::client& c, std::size_t workers)
{
    if (!info_)
        co_return co_await read_all(c);
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
            co_return co_await read_all(c);
        auto stale = torn_buckets(*info_, *idx->index);
        if (stale.empty())
        {
            holdings_ = consul_holdings::consistent(*idx->index);
            co_return info_state{true, round > 0, idx->modify_index};
        }
        if (own_)
            co_return co_await read_all(c);  // only a save of ours writes here: what Consul holds wins
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

// Sends the batches in order and stops at the first failure (so the index, last, is written only when every
// bucket was).
asio::awaitable<result<std::size_t>> send_batches(consul::client& c, const std::string& prefix,
                                                  std::vector<txn_batch> batches)
{
    std::size_t written = 0;
    for (auto& batch : batches)
    {
        if (batch.size() == 1 && batch.front().value.size() > plain_put_above)
        {
            auto r = co_await c.put(batch.front().key, std::move(batch.front().value));
            if (!r)
                co_return r.error();
            if (!*r)
                co_return make_error(errc::conflict, "consul refused the write", {}, batch.front().key);
            ++written;
            continue;
        }
        std::vector<consul::txn_op> ops;
        ops.reserve(batch.size());
        for (auto& kv : batch)
        {
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
        written += batch.size();
    }
    co_return written;
}

}  // namespace

asio::awaitable<result<std::size_t>> save_info(consul::client& c, const std::string& prefix,
                                               const std::vector<std::string>& previous_index,
                                               sync_info& info)
{
    co_return co_await send_batches(c, prefix, plan_writes(previous_index, info, prefix, options_for(c)));
}

asio::awaitable<result<std::size_t>> save_info(consul::client& c, const std::string& prefix,
                                               const consul_holdings& held, sync_info& info)
{
    co_return co_await send_batches(c, prefix, plan_writes_from(held, info, prefix, options_for(c)));
}

asio::awaitable<result<published_state>> load_published(consul::client& c, const std::string& prefix,
                                                        std::size_t buckets)
{
    auto r = co_await c.get_recurse(prefix);
    if (!r)
        co_return r.error();
    std::map<std::string, std::string, std::less<>> kv;
    for (auto& e : r->value)
        kv.emplace(std::move(e.key), std::move(e.value));
    kv_lookup lookup = [&kv](std::string_view key) -> const std::string* {
        auto it = kv.find(key);
        return it == kv.end() ? nullptr : &it->second;
    };
    published_state out{holdings_from_kv(prefix, lookup, buckets), std::nullopt, {}};
    if (auto loaded = from_kv(prefix, lookup))
    {
        for (std::size_t b : loaded->torn)
            loaded->info.set_bucket(b, bucket{});
        out.info = std::move(loaded->info);
        out.torn = std::move(loaded->torn);
    }
    co_return out;
}

}  // namespace vk::sync
