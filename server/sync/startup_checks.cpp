#include "sync/startup_checks.hpp"

#include "consul/client.hpp"
#include "sync/consul_store.hpp"
#include "sync/model/bucket_json.hpp"
#include "sync/model/capacity.hpp"
#include "sync/model/consul_layout.hpp"
#include "vault/sys.hpp"

#include <algorithm>
#include <numeric>

namespace vk::sync {
namespace asio = boost::asio;

asio::awaitable<result<std::vector<kv_mount>>> check_mounts(vault::client& c,
                                                            const std::vector<std::string>& wanted)
{
    auto mounts = co_await vault::sys_mounts(c);
    if (!mounts)
        co_return mounts.error();
    std::vector<kv_mount> out;
    for (const auto& m : *mounts)
        if (wanted.empty() && m.kv != vault::kv_version::none)
            out.push_back({m.path, m.kv == vault::kv_version::v2});
    for (const auto& w : wanted)
    {
        auto it =
            std::find_if(mounts->begin(), mounts->end(), [&](const vault::mount& m) { return m.path == w; });
        if (it == mounts->end())
            co_return make_error(errc::not_found, "mount " + w + " does not exist", c.endpoint(),
                                 "sys/mounts");
        if (it->kv == vault::kv_version::none)
            co_return make_error(errc::invalid_argument,
                                 "mount " + w + " is not a KV mount (type " + it->type + ")", c.endpoint(),
                                 "sys/mounts");
        out.push_back({it->path, it->kv == vault::kv_version::v2});
    }
    co_return out;
}

std::vector<std::string> walk_paths(const std::vector<kv_mount>& mounts)
{
    std::vector<std::string> out;
    for (const auto& m : mounts)
        out.push_back(m.v2 ? m.path + "metadata/" : m.path);
    return out;
}

asio::awaitable<result<void>> check_capabilities(vault::client& c, const std::vector<std::string>& paths,
                                                 const std::vector<std::string>& needed)
{
    auto caps = co_await vault::capabilities_self(c, paths);
    if (!caps)
        co_return caps.error();
    for (const auto& p : paths)
    {
        auto it = caps->find(p);
        for (const auto& cap : needed)
            if (it == caps->end() || !vault::allows(it->second, cap))
                co_return make_error(errc::permission_denied,
                                     "the token lacks the \"" + cap + "\" capability on " + p, c.endpoint(),
                                     "sys/capabilities-self");
    }
    co_return result<void>{};
}

asio::awaitable<result<void>> probe_consul(consul::client& c, const std::string& key)
{
    auto step = [&](std::string what, const error& e) {
        auto out = e;
        out.message = "sync path probe failed to " + what + ": " + out.message;
        out.path = key;
        return out;
    };
    std::string first = "vaultkeeper probe";
    if (auto w = co_await c.put(key, first); !w || !*w)
        co_return step("write", w ? make_error(errc::conflict, "consul refused the write") : w.error());
    auto r = co_await c.get(key);
    if (!r)
        co_return step("read", r.error());
    if (!r->value || r->value->value != first)
        co_return step("read", make_error(errc::bad_response, "read back something else than was written"));
    std::string second = "vaultkeeper probe (updated)";
    if (auto u = co_await c.put(key, second); !u || !*u)
        co_return step("update", u ? make_error(errc::conflict, "consul refused the update") : u.error());
    if (auto d = co_await c.remove(key); !d || !*d)
        co_return step("delete", d ? make_error(errc::conflict, "consul refused the delete") : d.error());
    co_return result<void>{};
}

// A few reads at a time: the check runs once at start-up, beside nothing else of the job's.
constexpr std::size_t stored_reads_in_flight = 8;

asio::awaitable<result<void>> check_stored_capacity(consul::client& c, const std::string& prefix,
                                                    std::size_t buckets)
{
    const auto ikey = index_key(prefix);
    auto ir = co_await c.get(ikey);
    if (!ir)
        co_return ir.error();
    if (!ir->value)
        co_return result<void>{};
    auto index = decode_index(ir->value->value, ikey);
    if (!index)
        co_return index.error();
    key_sizes entries;
    std::vector<std::size_t> all(index->size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    const bucket_taker take = [&](std::size_t i, const std::string* v) -> std::optional<error> {
        if (!v)
            return std::nullopt;  // a torn save: the next one writes it
        auto b = decode_bucket(*v, bucket_key(prefix, i));
        if (!b)
            return b.error();
        entries.add(*b);
        return std::nullopt;
    };
    auto read = co_await read_bucket_keys(c, prefix, all, stored_reads_in_flight, take);
    if (!read)
        co_return read.error();
    auto fits = check_capacity(entries, buckets ? buckets : index->size());
    if (!fits)
        co_return fits.error();
    co_return result<void>{};
}

}  // namespace vk::sync
