// Each step reads at most one thing from each Vault and writes at most one thing to the destination.
#include "sync/copy_secret.hpp"

#include <boost/json/value.hpp>

#include "runtime/pace.hpp"
#include "sync/model/kv_path.hpp"
#include "sync/model/kv_v1.hpp"
#include "vault/kv.hpp"

namespace vk::sync {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A secret's data (KV v2: `version`, or the latest when absent); nullopt when missing, deleted or destroyed.
asio::awaitable<result<std::optional<json::object>>>
read_data(vault::client& c, const kv_mount& m, const std::string& rel, std::optional<std::uint64_t> version)
{
    if (!m.v2)
    {
        auto data = co_await vault::kv1_read(c, m.path, rel);
        if (!data && data.error().is(errc::not_found))
            co_return std::nullopt;
        if (!data)
            co_return data.error();
        co_return std::move(*data);
    }
    auto s = co_await vault::kv2_read(c, m.path, rel, version);
    if (!s && s.error().is(errc::not_found))
        co_return std::nullopt;
    if (!s)
        co_return s.error();
    if (s->deleted)
        co_return std::nullopt;
    co_return std::move(s->data);
}

// The origin's data at the insight's version.
asio::awaitable<result<std::optional<json::object>>> read_origin(const copy_context& c,
                                                                 const std::string& path, const insight& in)
{
    auto loc = locate(path, c.origin_mounts);
    if (!loc)
        co_return loc.error();
    if (c.pace)
        co_await runtime::pace(*c.pace);
    std::optional<std::uint64_t> version = static_cast<std::uint64_t>(in.version);
    co_return co_await read_data(c.origin, c.origin_mounts[loc->mount], loc->rel, version);
}

struct target
{
    const kv_mount* mount = nullptr;
    std::string rel;
};

result<target> destination_of(const copy_context& c, const std::string& origin_path)
{
    auto to = c.pack.apply(origin_path);
    auto loc = locate(to.path, c.destination_mounts);
    if (!loc)
    {
        auto e = loc.error();
        e.message += to.by.empty() ? " (destination path, untransformed)"
                                   : " (destination path, by transform " + to.by + ")";
        return e;
    }
    return target{&c.destination_mounts[loc->mount], std::move(loc->rel)};
}

asio::awaitable<result<void>> write_destination(const copy_context& c, const target& t,
                                                const json::object& data)
{
    if (!t.mount->v2)
        co_return co_await vault::kv1_write(c.destination, t.mount->path, t.rel, data);
    auto w = co_await vault::kv2_write(c.destination, t.mount->path, t.rel, data);
    if (!w)
        co_return w.error();
    co_return result<void>{};
}

// KV v1: the keyed hash of what was really copied (the origin may have changed since it published).
result<insight> recorded(const copy_context& c, const insight& in, const json::object& data)
{
    if (in.type != type_kv_v1)
        return in;
    if (!c.insight_key)
        return make_error(errc::invalid_argument, "a KV v1 secret needs kv_v1_insight_key on this job");
    return kv_v1_insight(json::value(data), *c.insight_key);
}

}  // namespace

asio::awaitable<result<copy_outcome>> copy_secret(const copy_context& c, const std::string& origin_path,
                                                  const insight& in)
{
    auto t = destination_of(c, origin_path);
    if (!t)
        co_return t.error();
    auto data = co_await read_origin(c, origin_path, in);
    if (!data)
        co_return data.error();
    if (!*data)
        co_return copy_outcome{};
    auto record = recorded(c, in, **data);
    if (!record)
        co_return record.error();
    if (auto w = co_await write_destination(c, *t, **data); !w)
        co_return w.error();
    co_return copy_outcome{std::move(*record)};
}

asio::awaitable<result<void>> delete_secret(const copy_context& c, const std::string& origin_path)
{
    auto t = destination_of(c, origin_path);
    if (!t)
        co_return t.error();
    result<void> r;
    const std::vector<std::uint64_t> latest;  // named: see DEVELOPERS.md on g++ 12 and coroutine arguments
    if (t->mount->v2)
        r = co_await vault::kv2_delete(c.destination, t->mount->path, t->rel, latest);
    else
        r = co_await vault::kv1_delete(c.destination, t->mount->path, t->rel);
    if (!r && r.error().is(errc::not_found))
        co_return result<void>{};
    co_return r;
}

asio::awaitable<result<bool>> repair_secret(const copy_context& c, const std::string& origin_path,
                                            const insight& in)
{
    auto t = destination_of(c, origin_path);
    if (!t)
        co_return t.error();
    const std::optional<std::uint64_t> latest;
    auto have = co_await read_data(c.destination, *t->mount, t->rel, latest);
    if (!have)
        co_return have.error();
    auto want = co_await read_origin(c, origin_path, in);
    if (!want)
        co_return want.error();
    if (!*want || (*have && **have == **want))
        co_return false;
    if (auto w = co_await write_destination(c, *t, **want); !w)
        co_return w.error();
    co_return true;
}

}  // namespace vk::sync
