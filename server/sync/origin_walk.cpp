// One pool of `workers` slots for folders and secrets, so the listing of a folder and the reads of secrets
// already found share it and the pipe to Vault never drains between levels. Secrets found go first once
// enough are queued to fill the slots: the queue of found-but-unread paths stays near the size of one
// listing instead of growing towards the whole fleet (a million paths queued would cost more than their
// insights).
#include "sync/origin_walk.hpp"

#include <boost/json/parse.hpp>

#include <deque>

#include "runtime/pace.hpp"
#include "runtime/workers.hpp"
#include "sync/model/kv_v1.hpp"
#include "sync/model/list_keys.hpp"
#include "sync/model/metadata.hpp"
#include "vault/kv.hpp"

namespace vk::sync {
namespace asio = boost::asio;

namespace {

struct item
{
    std::size_t mount = 0;
    std::string rel;  // path inside the mount; folders end with '/', the root is ""
};

bool is_folder(const std::string& rel)
{
    return rel.empty() || rel.back() == '/';
}

// The API path a LIST of `rel` goes to, for errors.
std::string walk_path(const kv_mount& m, const std::string& rel)
{
    return m.path + (m.v2 ? "metadata/" : "") + rel;
}

class walker
{
public:
    walker(vault::client& c, const std::vector<kv_mount>& mounts, const walk_options& opts)
        : c_(c),
          mounts_(mounts),
          opts_(opts)
    {
        for (std::size_t m = 0; m < mounts_.size(); ++m)
            add({m, ""});
    }

    asio::awaitable<result<walk_result>> run(std::size_t buckets)
    {
        if (!opts_.list_only)
        {
            auto info = sync_info::create(buckets);
            if (!info)
                co_return info.error();
            out_.info = std::move(*info);
            if (opts_.expect)
                out_.info->reserve_like(*opts_.expect);
        }
        std::function<std::size_t()> size = [this] { return added_; };
        std::function<asio::awaitable<void>(std::size_t)> step = [this](std::size_t i) { return visit(i); };
        co_await runtime::for_each_growing(opts_.workers, size, step);
        if (failure_)
            co_return *failure_;
        co_return std::move(out_);
    }

private:
    asio::awaitable<void> visit(std::size_t i)
    {
        if (failure_)
            co_return;  // one failure spoils the cycle: stop sending
        if (opts_.pace)
            co_await runtime::pace(*opts_.pace);
        ++out_.requests;
        // Index i only counts: each call takes one queued item, and for_each_growing never calls more often
        // than items were added.
        (void)i;
        item it = take();
        if (is_folder(it.rel))
            co_await list(it);
        else if (mounts_[it.mount].v2)
            co_await read_v2(it);
        else
            co_await read_v1(it);
    }

    asio::awaitable<void> list(const item& it)
    {
        const auto& m = mounts_[it.mount];
        // No co_await inside ?: (GCC 12 miscompiles it).
        result<std::vector<std::string>> keys = std::vector<std::string>{};
        if (m.v2)
            keys = co_await vault::kv2_list(c_, m.path, it.rel);
        else
            keys = co_await vault::kv1_list(c_, m.path, it.rel);
        if (!keys)
            co_return fail(keys.error());
        if (auto ok = check_list_keys(walk_path(m, it.rel), *keys); !ok)
            co_return fail(c_.located(ok.error(), walk_path(m, it.rel)));
        ++out_.folders;
        for (auto& k : *keys)
        {
            if (!is_folder(k))
                ++out_.secrets;
            if (!opts_.list_only || is_folder(k))
                add({it.mount, it.rel + k});
        }
    }

    asio::awaitable<void> read_v2(const item& it)
    {
        const auto& m = mounts_[it.mount];
        auto body = co_await vault::kv2_read_metadata_json(c_, m.path, it.rel);
        if (!body && body.error().is(errc::not_found))
        {
            ++out_.skipped;  // deleted since it was listed
            co_return;
        }
        if (!body)
            co_return fail(body.error());
        std::string data_path = m.path + "data/" + it.rel;
        auto outcome = parse_metadata(data_path, *body);
        if (!outcome)
            co_return fail(c_.located(outcome.error(), data_path));
        if (!outcome->in)
        {
            ++out_.skipped;
            co_return;
        }
        out_.info->put(data_path, std::move(*outcome->in));
    }

    asio::awaitable<void> read_v1(const item& it)
    {
        const auto& m = mounts_[it.mount];
        auto data = co_await vault::kv1_read(c_, m.path, it.rel);
        if (!data && data.error().is(errc::not_found))
        {
            ++out_.skipped;
            co_return;
        }
        if (!data)
            co_return fail(data.error());
        if (!opts_.insight_key)
            co_return fail(
                make_error(errc::invalid_argument, "KV v1 mount without kv_v1_insight_key", "", m.path));
        out_.info->put(m.path + it.rel,
                       kv_v1_insight(boost::json::value(std::move(*data)), *opts_.insight_key));
    }

    void add(item it)
    {
        (is_folder(it.rel) ? folders_ : secrets_).push_back(std::move(it));
        ++added_;
    }

    // A secret while enough are queued to keep every slot busy, else a folder (to find more).
    item take()
    {
        auto& from = secrets_.size() >= opts_.workers || folders_.empty() ? secrets_ : folders_;
        item it = std::move(from.front());
        from.pop_front();
        return it;
    }

    void fail(error e)
    {
        if (!failure_)
            failure_ = std::move(e);
    }

    vault::client& c_;
    const std::vector<kv_mount>& mounts_;
    const walk_options& opts_;
    std::deque<item> folders_;
    std::deque<item> secrets_;
    std::size_t added_ = 0;
    walk_result out_;
    std::optional<error> failure_;
};

}  // namespace

asio::awaitable<result<walk_result>> walk_origin(vault::client& c, const std::vector<kv_mount>& mounts,
                                                 std::size_t buckets, const walk_options& opts)
{
    walker w(c, mounts, opts);
    co_return co_await w.run(buckets);
}

}  // namespace vk::sync
