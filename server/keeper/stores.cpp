#include "keeper/stores.hpp"

#include "keeper/file_store.hpp"
#include "keeper/kubernetes_store.hpp"
#include "keeper/object_sealer.hpp"
#include "keeper/object_shard_store.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace vk::keeper {
namespace asio = boost::asio;
namespace json = boost::json;

std::vector<std::shared_ptr<shard_store>> make_stores(const keeper_settings& s, asio::any_io_executor ex)
{
    std::vector<std::shared_ptr<shard_store>> out;
    for (const auto& st : s.stores)
    {
        if (const auto* f = std::get_if<file_store_settings>(&st))
            out.push_back(make_file_store(*f, make_sealer(f->kek, f->transit, ex)));
        else if (const auto* o = std::get_if<object_store_settings>(&st))
            out.push_back(make_object_shard_store(*o, make_sealer(o->kek, o->transit, ex), ex));
        else
            out.push_back(make_kubernetes_store(std::get<kubernetes_store_settings>(st), ex));
    }
    return out;
}

store_set::store_set(std::vector<std::shared_ptr<shard_store>> stores)
    : stores_(std::move(stores))
{
    // The first store that supports compare-and-swap is the record's primary.
    std::stable_partition(stores_.begin(), stores_.end(), [](const auto& s) { return s->supports_cas(); });
}

std::vector<std::string> store_set::names() const
{
    std::vector<std::string> out;
    for (const auto& s : stores_)
        out.push_back(s->name());
    return out;
}

std::shared_ptr<shard_store> store_set::find(const std::string& name) const
{
    for (const auto& s : stores_)
        if (s->name() == name)
            return s;
    return nullptr;
}

bool store_set::usable(const shard_store& s) const
{
    for (const auto& h : health_)
        if (h.store == s.name())
            return h.usable;
    return false;  // not read yet
}

asio::awaitable<store_reading> store_set::read_store(shard_store& s)
{
    store_reading out{s.name(), "", std::nullopt};
    versions_.erase(s.name());
    std::vector<std::string>& old = old_key_[s.name()];
    old.clear();
    lowest_wrap_.erase(s.name());
    auto names = co_await s.list();
    if (!names)
    {
        out.failure = store_reason(s.name(), names.error());
        co_return out;
    }
    std::string version;  // "" when the store holds no record
    for (const auto& n : *names)
    {
        auto got = co_await s.get(n);
        if (!got && got.error().is(errc::not_found))
            continue;  // removed since the listing
        if (!got)
        {
            out.failure = store_reason(s.name(), got.error());
            co_return out;
        }
        if (got->old_key)
            old.push_back(n);
        if (got->wrap_version)
            note_wrap(s.name(), *got->wrap_version);
        if (n == state_object)
        {
            out.record = std::move(got->data);
            version = std::move(got->version);
        }
    }
    versions_[s.name()] = std::move(version);
    co_return out;
}

asio::awaitable<result<procedure_record>> store_set::read_record()
{
    std::vector<store_reading> readings;
    for (const auto& s : stores_)
        readings.push_back(co_await read_store(*s));
    auto chosen = choose_record(readings);
    health_ = std::move(chosen.health);
    for (const auto& h : health_)
        if (!h.usable)
            versions_.erase(h.store);  // e.g. its copy did not parse: never written over
    if (!chosen.unknown.empty())
        co_return make_error(errc::bad_response, std::move(chosen.unknown));
    co_return std::move(chosen.record);
}

asio::awaitable<std::vector<store_health>> store_set::check()
{
    std::vector<store_health> failed;
    for (const auto& s : stores_)
        if (auto r = co_await s->check(); !r)
            failed.push_back({s->name(), false, store_reason(s->name(), r.error())});
    co_return failed;
}

void store_set::mark_unusable(const std::vector<store_health>& failed)
{
    for (const auto& f : failed)
        for (auto& h : health_)
            if (h.store == f.store && h.usable)
            {
                h = f;
                versions_.erase(h.store);
            }
}

asio::awaitable<result<void>> store_set::write_record(const procedure_record& r)
{
    auto text = to_json(r);
    bool primary = true;
    for (const auto& s : stores_)
    {
        auto version = versions_.find(s->name());
        if (!usable(*s) || version == versions_.end())
            continue;
        auto v = co_await s->put(std::string(state_object), text, version->second);
        if (v)
            version->second = *v;
        else if (primary)
            co_return v.error();
        // A mirror that failed (or changed since it was read) is left as it is; the next read tells.
        primary = false;
    }
    if (primary)
        co_return make_error(errc::unavailable,
                             "no usable store to write the state record to: " + unusable_summary(health_));
    co_return result<void>();
}

asio::awaitable<result<void>> store_set::put_set(const shard_set& set, const std::vector<secret>& keys,
                                                 const secret* root_token)
{
    if (keys.size() != set.placement.size())
        co_return make_error(errc::bad_response, "Vault answered " + std::to_string(keys.size()) +
                                                     " keys for " + std::to_string(set.placement.size()) +
                                                     " shares");
    // Every shard that can be stored is, before the first failure is answered: an init's answer exists
    // nowhere else, and a threshold of it stored is still a set the keeper can adopt.
    std::optional<error> failed;
    auto keep = [&](error e) {
        if (!failed)
            failed = std::move(e);
    };
    for (std::size_t i = 0; i < keys.size(); ++i)
    {
        auto store = find(set.placement[i]);
        if (!store)
        {
            keep(make_error(errc::invalid_argument, "no store named " + set.placement[i]));
            continue;
        }
        if (!usable(*store))
        {
            keep(make_error(errc::unavailable, "store " + store->name() + " is unusable: not written to"));
            continue;
        }
        json::object o{{"set", set.id}, {"index", i}, {"key", keys[i].reveal()}};
        if (auto w = co_await store->put(shard_object(set.id, static_cast<int>(i)), json::serialize(o),
                                         std::nullopt);
            !w)
            keep(w.error());
    }
    auto first = std::find_if(stores_.begin(), stores_.end(), [&](const auto& s) { return usable(*s); });
    if (root_token && first == stores_.end())
        keep(make_error(errc::unavailable, "no usable store for the root token"));
    else if (root_token)
        if (auto w = co_await (*first)->put(root_object(set.id), root_token->reveal(), std::nullopt); !w)
            keep(w.error());
    if (failed)
        co_return *failed;
    co_return result<void>();
}

asio::awaitable<std::map<int, secret>> store_set::read_set(const shard_set& set)
{
    std::map<int, secret> out;
    for (std::size_t i = 0; i < set.placement.size(); ++i)
    {
        auto store = find(set.placement[i]);
        if (!store)
            continue;
        auto got = co_await store->get(shard_object(set.id, static_cast<int>(i)));
        if (!got)
            continue;
        boost::system::error_code ec;
        auto v = json::parse(got->data, ec);
        if (ec || !v.is_object())
            continue;
        const auto& o = v.as_object();
        auto* key = o.if_contains("key");
        auto* idx = o.if_contains("index");
        auto* id = o.if_contains("set");
        if (key && key->is_string() && idx && idx->is_int64() &&
            idx->as_int64() == static_cast<std::int64_t>(i) && id && id->is_string() &&
            id->as_string() == set.id)
            out.emplace(static_cast<int>(i), secret(std::string(key->as_string()), "store " + store->name()));
    }
    co_return out;
}

asio::awaitable<result<secret>> store_set::read_root(const std::string& set)
{
    // Stored in the first usable store at init, which need not be the first store.
    std::optional<error> failed;
    for (const auto& s : stores_)
    {
        auto got = co_await s->get(root_object(set));
        if (got)
            co_return secret(std::move(got->data), "store " + s->name());
        if (!got.error().is(errc::not_found) && !failed)
            failed = got.error();
    }
    if (failed)
        co_return *failed;
    co_return make_error(errc::not_found, "no store holds the root token of " + set);
}

asio::awaitable<result<void>> store_set::delete_set(const std::string& set)
{
    for (const auto& s : stores_)
    {
        if (!usable(*s))
            continue;
        auto names = co_await s->list();
        if (!names)
            co_return names.error();
        for (const auto& n : *names)
            if (set_of_object(n) == set)
                if (auto r = co_await s->remove(n, std::nullopt); !r)
                    co_return r.error();
    }
    co_return result<void>();
}

asio::awaitable<result<void>> store_set::remove_everywhere(const std::string& name)
{
    for (const auto& s : stores_)
        if (usable(*s))
            if (auto r = co_await s->remove(name, std::nullopt); !r)
                co_return r.error();
    co_return result<void>();
}

asio::awaitable<result<std::set<std::string>>> store_set::sets_held()
{
    std::set<std::string> out;
    for (const auto& s : stores_)
    {
        if (!usable(*s))
            continue;  // what it holds is looked at once it opens again
        auto names = co_await s->list();
        if (!names)
            co_return names.error();
        for (const auto& n : *names)
            if (auto set = set_of_object(n))
                out.insert(*set);
    }
    co_return out;
}

asio::awaitable<std::map<std::string, std::map<std::string, int>>> store_set::counts()
{
    std::map<std::string, std::map<std::string, int>> out;  // set -> store -> objects
    for (const auto& s : stores_)
    {
        auto names = co_await s->list();
        if (!names)
            continue;
        for (const auto& n : *names)
            if (auto set = set_of_object(n))
                ++out[*set][s->name()];
    }
    co_return out;
}

}  // namespace vk::keeper
