// follow_consul: the job's dependencies grouped by agent and thing, one subscription per agent.
#include "emissary/consul_watches.hpp"

#include "async/sleep.hpp"
#include "core/log.hpp"
#include "emissary/emissary_core.hpp"

namespace vk::emissary {
namespace asio = boost::asio;

namespace {

// How often a once job checks whether it finished; other jobs watch until cancelled.
constexpr std::chrono::seconds finished_check{1};
constexpr std::chrono::hours idle_wake{1};

// What the hub watches for a dependency; several dependencies (sources naming one agent) may share it.
using agent_things = std::map<consul::watch_target, std::vector<dependency>>;

consul::watch_target target_of(const dependency& d)
{
    return {d.kind == dep_kind::tree ? consul::watch_kind::prefix : consul::watch_kind::key, d.path};
}

// Consul agent name -> the job's things on it.
std::map<std::string, agent_things> consul_dependencies(const emissary_core& core)
{
    std::map<std::string, agent_things> out;
    for (const auto& [d, s] : core.deps)
        if (auto it = core.sources.find(d.source);
            it != core.sources.end() && it->second.consul && d.kind != dep_kind::secrets)
            out[it->second.cfg.consul][target_of(d)].push_back(d);
    return out;
}

fetched as_fetched(const consul::watch_target& t, std::span<const consul::kv_entry> entries)
{
    if (t.kind == consul::watch_kind::prefix)
        return listing_of(std::vector<consul::kv_entry>(entries.begin(), entries.end()));
    if (entries.empty())
        return fetched{};
    return fetched{true, boost::json::value(entries.front().value)};
}

consul::watch_hub::subscriber job_subscriber(std::shared_ptr<emissary_core> core,
                                             std::shared_ptr<const agent_things> things,
                                             std::function<void()> request_cycle)
{
    consul::watch_hub::subscriber s;
    s.changed = [core, things, request_cycle](const consul::watch_target& t,
                                              std::span<const consul::kv_entry> entries) {
        auto f = as_fetched(t, entries);
        for (const auto& d : things->at(t))
        {
            core->record(d, f);
            core->deps[d].watched = true;
        }
        core->polls_changed();
        request_cycle();
    };
    s.failed = [core, things](const consul::watch_target& t, const error& e) {
        for (const auto& d : things->at(t))
            core->deps[d].watched = false;  // the cycle polls it meanwhile, with backoff
        core->polls_changed();
        log::debug("consul watch failed; retrying",
                   {{"job", core->job}, {"error", core->hide(e.describe())}});
    };
    return s;
}

// Leaves the hub when the job's watching ends (cancelled, finished, or rebuilt by a reload).
struct subscription
{
    std::shared_ptr<consul::watch_hub> hub;
    std::uint64_t id = 0;
    subscription(std::shared_ptr<consul::watch_hub> h, std::uint64_t i)
        : hub(std::move(h)),
          id(i)
    {
    }
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;
    ~subscription() { hub->unsubscribe(id); }
};

}  // namespace

boost::json::array consul_watch_set::status() const
{
    boost::json::array out;
    for (const auto& h : hubs)
        out.push_back(boost::json::object{
            {"consul", h->name()}, {"blocking_queries", h->blocking_queries()}, {"watched", h->watched()}});
    return out;
}

asio::awaitable<void> follow_consul(std::shared_ptr<emissary_core> core, std::function<void()> request_cycle,
                                    std::shared_ptr<consul_watch_set> set)
{
    std::vector<std::unique_ptr<subscription>> subs;
    set->hubs.clear();
    for (auto& [name, things] : consul_dependencies(*core))
    {
        auto hub =
            consul::watch_hub::for_consul(core->executor, core->config->consuls.at(name), core->metrics);
        if (!hub)
        {
            // The job's own clients were built from the same block: this is not expected; the cycle polls.
            log::warn("consul watches unavailable; polling", {{"job", core->job}, {"consul", name}});
            continue;
        }
        std::set<consul::watch_target> keys;
        for (const auto& [t, ds] : things)
            keys.insert(t);
        auto shared = std::make_shared<const agent_things>(std::move(things));
        auto id = (*hub)->subscribe(keys, job_subscriber(core, shared, request_cycle));
        subs.push_back(std::make_unique<subscription>(*hub, id));
        set->hubs.push_back(*hub);
    }
    if (subs.empty())
        co_return;
    while (!core->finished)
        co_await sleep_for(core->once ? std::chrono::steady_clock::duration(finished_check)
                                      : std::chrono::steady_clock::duration(idle_wake));
}

}  // namespace vk::emissary
