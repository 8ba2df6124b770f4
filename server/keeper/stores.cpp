#include "keeper/stores.hpp"

#include "keeper/file_store.hpp"
#include "keeper/kubernetes_store.hpp"

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
            out.push_back(make_file_store(*f));
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

asio::awaitable<std::vector<error>> store_set::check()
{
    std::vector<error> failed;
    for (const auto& s : stores_)
        if (auto r = co_await s->check(); !r)
            failed.push_back(r.error());
    co_return failed;
}

asio::awaitable<result<procedure_record>> store_set::read_record()
{
    procedure_record best;
    bool primary = true;
    for (const auto& s : stores_)
    {
        auto got = co_await s->get(std::string(state_object));
        if (!got)
        {
            if (primary && got.error().is(errc::not_found))
                primary_version_.clear();
            if (got.error().is(errc::bad_response))
                co_return got.error();
            primary = false;
            continue;  // absent or unreachable: the others tell
        }
        if (primary)
            primary_version_ = got->version;
        primary = false;
        auto r = record_from_json(got->data);
        if (!r)
        {
            auto e = r.error();
            e.message = "store " + s->name() + ": " + e.message;
            co_return e;
        }
        if (r->seq >= best.seq)
            best = std::move(*r);
    }
    co_return best;
}

asio::awaitable<result<void>> store_set::write_record(const procedure_record& r)
{
    auto text = to_json(r);
    auto v = co_await stores_.front()->put(std::string(state_object), text, primary_version_);
    if (!v)
        co_return v.error();
    primary_version_ = *v;
    for (std::size_t i = 1; i < stores_.size(); ++i)
        (void)co_await stores_[i]->put(std::string(state_object), text, std::nullopt);  // best effort mirror
    co_return result<void>();
}

asio::awaitable<result<void>> store_set::put_set(const shard_set& set, const std::vector<secret>& keys,
                                                 const secret* root_token)
{
    if (keys.size() != set.placement.size())
        co_return make_error(errc::bad_response, "Vault answered " + std::to_string(keys.size()) +
                                                     " keys for " + std::to_string(set.placement.size()) +
                                                     " shares");
    for (std::size_t i = 0; i < keys.size(); ++i)
    {
        auto store = find(set.placement[i]);
        if (!store)
            co_return make_error(errc::invalid_argument, "no store named " + set.placement[i]);
        json::object o{{"set", set.id}, {"index", i}, {"key", keys[i].reveal()}};
        if (auto w = co_await store->put(shard_object(set.id, static_cast<int>(i)), json::serialize(o),
                                         std::nullopt);
            !w)
            co_return w.error();
    }
    if (root_token)
        if (auto w = co_await stores_.front()->put(root_object(set.id), root_token->reveal(), std::nullopt);
            !w)
            co_return w.error();
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
    auto got = co_await stores_.front()->get(root_object(set));
    if (!got)
        co_return got.error();
    co_return secret(std::move(got->data), "store " + stores_.front()->name());
}

asio::awaitable<result<void>> store_set::delete_set(const std::string& set)
{
    for (const auto& s : stores_)
    {
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

asio::awaitable<result<std::set<std::string>>> store_set::sets_held()
{
    std::set<std::string> out;
    for (const auto& s : stores_)
    {
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
