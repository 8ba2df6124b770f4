// The hub's shell: the registry of hubs, re-planning after subscriptions change, one watch()/watch_prefix()
// loop per planned query, and the fan-out of each answer.
#include "consul/watch_hub.hpp"

#include "async/sleep.hpp"
#include "consul/watch.hpp"
#include "core/log.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

#include <algorithm>

namespace vk::consul {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::minutes hub_wait{5};
constexpr std::chrono::seconds hub_retry{2};
// Subscriptions arriving within this window (every job of a start or a reload) are planned together.
constexpr std::chrono::milliseconds replan_delay{200};

// What makes two configs the same agent for the same caller. Held in memory only, never shown.
std::string agent_identity(const vk::consul_config& c)
{
    std::string out;
    for (const auto* s : {&c.address, &c.datacenter, &c.tls.ca_file, &c.tls.ca_path, &c.tls.cert_file,
                          &c.tls.key_file, &c.tls.server_name})
        out.append(*s).push_back('\0');
    if (c.token)
        out.append(c.token->reveal());
    out.push_back('\0');
    for (auto n : {std::uint64_t(c.tls.skip_verify), std::uint64_t(c.max_connections),
                   std::uint64_t(c.request_timeout.count()), std::uint64_t(c.max_response_bytes),
                   std::uint64_t(c.max_blocking_queries)})
        out.append(std::to_string(n)).push_back('\0');
    return out;
}

void log_query_end(const std::string& consul, std::exception_ptr e)
{
    if (!e)
        return;
    try
    {
        std::rethrow_exception(e);
    }
    catch (const boost::system::system_error& se)
    {
        if (se.code() != asio::error::operation_aborted)
            log::warn("consul watch ended", {{"consul", consul}, {"error", se.what()}});
    }
    catch (const std::exception& ex)
    {
        log::warn("consul watch ended", {{"consul", consul}, {"error", ex.what()}});
    }
}

// The live hubs of one agent name: one, or briefly two after a reload changed its block (the old one ends
// with the jobs still using it). The io_context's thread only.
struct hub_entry
{
    std::string identity;
    std::weak_ptr<watch_hub> hub;
};

std::vector<hub_entry>& hubs_named(const std::string& name)
{
    static std::map<std::string, std::vector<hub_entry>> hubs;
    return hubs[name];
}

// The agent's blocking queries, every live hub of its name together (the gauge's value).
std::size_t queries_on(const std::string& name)
{
    std::size_t n = 0;
    for (const auto& e : hubs_named(name))
        if (auto hub = e.hub.lock())
            n += hub->blocking_queries();
    return n;
}

}  // namespace

struct watch_hub::query_run
{
    watch_target query;
    asio::cancellation_signal signal;
    bool stopped = false;
    std::optional<std::vector<kv_entry>> answer;  // the last one, sorted by key
    std::vector<watch_target> served;             // the things the plan gives it
};

result<std::shared_ptr<watch_hub>>
watch_hub::for_consul(asio::any_io_executor ex, const vk::consul_config& cfg, metrics::registry* metrics)
{
    // A hub lives while its subscribers or its query loops hold it.
    auto& hubs = hubs_named(cfg.name);
    auto id = agent_identity(cfg);
    std::erase_if(hubs, [](const hub_entry& e) { return e.hub.expired(); });
    for (const auto& e : hubs)
        if (auto hub = e.hub.lock(); hub && e.identity == id)
            return hub;
    auto own = cfg;
    // Every planned query holds one connection for minutes: room for all of them, whatever the jobs use.
    own.max_connections = static_cast<int>(std::max<std::size_t>(cfg.max_blocking_queries, 1));
    auto c = client::create(ex, own);
    if (!c)
        return c.error();
    auto hub = std::make_shared<watch_hub>(ex, own, std::move(*c), metrics);
    hubs.push_back({std::move(id), hub});
    return hub;
}

watch_hub::watch_hub(asio::any_io_executor ex, vk::consul_config cfg, std::unique_ptr<client> c,
                     metrics::registry* metrics)
    : ex_(std::move(ex)),
      cfg_(std::move(cfg)),
      client_(std::move(c)),
      metrics_(metrics)
{
}

watch_hub::~watch_hub() = default;

std::uint64_t watch_hub::subscribe(const std::set<watch_target>& things, subscriber s)
{
    const auto id = next_id_++;
    for (const auto& t : things)
        audience_[t].join(id);
    subscribers_.emplace(id, std::make_pair(things, std::move(s)));
    schedule_replan();
    return id;
}

void watch_hub::unsubscribe(std::uint64_t id)
{
    auto it = subscribers_.find(id);
    if (it == subscribers_.end())
        return;
    for (const auto& t : it->second.first)
        if (auto a = audience_.find(t); a != audience_.end())
        {
            a->second.leave(id);
            if (a->second.subscribers.empty())
                audience_.erase(a);
        }
    subscribers_.erase(it);
    schedule_replan();
}

void watch_hub::schedule_replan()
{
    if (replan_pending_)
        return;
    replan_pending_ = true;
    auto later = [](std::shared_ptr<watch_hub> self) -> asio::awaitable<void> {
        co_await sleep_for(replan_delay);
        self->replan_pending_ = false;
        self->replan();
    };
    asio::co_spawn(ex_, later(shared_from_this()), [](std::exception_ptr) {});
}

void watch_hub::replan()
{
    std::set<watch_target> things;
    for (const auto& [t, a] : audience_)
        things.insert(t);
    auto plan = plan_watches(things, cfg_.max_blocking_queries, refused_);
    std::map<watch_target, std::shared_ptr<query_run>> next;
    std::vector<std::shared_ptr<query_run>> fresh;
    for (const auto& q : plan.queries)
    {
        auto& run = next[q];
        if (auto kept = running_.find(q); kept != running_.end())
        {
            run = std::move(kept->second);
            running_.erase(kept);
            run->served.clear();
            continue;
        }
        run = std::make_shared<query_run>();
        run->query = q;
        fresh.push_back(run);
    }
    for (auto& [q, gone] : running_)
    {
        gone->stopped = true;
        gone->signal.emit(asio::cancellation_type::terminal);
    }
    for (const auto& [t, i] : plan.served_by)
        next.at(plan.queries[i])->served.push_back(t);
    running_ = std::move(next);
    for (auto& run : fresh)
        start(run);
    tell_unserved(plan.unserved);
    // Things that moved to a query already answered, and new subscribers: told from its last answer.
    for (const auto& [q, run] : running_)
        if (run->answer)
            fan_out(*run);
    if (metrics_)
        metrics_->gauge_set(blocking_queries_metric, {{"consul", cfg_.name}}, double(queries_on(cfg_.name)));
    log::debug("consul watches planned", {{"consul", cfg_.name},
                                          {"watched", std::to_string(audience_.size())},
                                          {"blocking_queries", std::to_string(running_.size())}});
}

void watch_hub::start(std::shared_ptr<query_run> run)
{
    auto& slot_owner = *run;
    asio::co_spawn(
        ex_, run_query(shared_from_this(), std::move(run)),
        asio::bind_cancellation_slot(slot_owner.signal.slot(),
                                     [name = cfg_.name](std::exception_ptr e) { log_query_end(name, e); }));
}

asio::awaitable<void> watch_hub::run_query(std::shared_ptr<watch_hub> self, std::shared_ptr<query_run> run)
{
    if (run->stopped)
        co_return;
    watch_options o;
    o.wait = hub_wait;
    o.retry = hub_retry;
    o.report_after_failure = true;
    auto failed = [self, run](const error& e) {
        if (!run->stopped)
            self->failed(*run, e);
    };
    auto done = [run] { return run->stopped; };
    if (run->query.kind == watch_kind::key)
    {
        watch_handlers h{[self, run](const std::optional<kv_entry>& v, bool) {
                             self->answered(*run, v ? std::vector<kv_entry>{*v} : std::vector<kv_entry>{});
                         },
                         failed, done};
        co_return co_await watch(*self->client_, run->query.path, o, std::move(h));
    }
    prefix_watch_handlers h{
        [self, run](const std::vector<kv_entry>& entries, bool) { self->answered(*run, entries); }, failed,
        done};
    co_await watch_prefix(*self->client_, run->query.path, o, std::move(h));
}

void watch_hub::answered(query_run& run, std::vector<kv_entry> entries)
{
    if (run.stopped)
        return;
    auto by_key = [](const kv_entry& a, const kv_entry& b) { return a.key < b.key; };
    if (!std::is_sorted(entries.begin(), entries.end(), by_key))
        std::sort(entries.begin(), entries.end(), by_key);
    run.answer = std::move(entries);
    fan_out(run);
}

void watch_hub::failed(query_run& run, const error& e)
{
    log::debug("consul watch failed; retrying", {{"consul", cfg_.name}, {"error", e.describe()}});
    // A folder the plan chose (not one a template lists) that the token may not read recursively: plan
    // without it rather than leave its keys polled.
    if (e.code == errc::permission_denied && run.query.kind == watch_kind::prefix &&
        !audience_.contains(run.query) && refused_.insert(run.query.path).second)
    {
        log::warn("consul refused a recursive read of a folder; its keys get their own queries",
                  {{"consul", cfg_.name}, {"folder", run.query.path}});
        schedule_replan();
    }
    tell_failed(run.served, e);
}

void watch_hub::tell_failed(const std::vector<watch_target>& things, const error& e)
{
    for (const auto& t : things)
    {
        auto a = audience_.find(t);
        if (a == audience_.end())
            continue;
        a->second.lost();
        for (auto id : a->second.subscribers)
            if (auto s = subscribers_.find(id); s != subscribers_.end())
                s->second.second.failed(t, e);
    }
}

void watch_hub::tell_unserved(const std::vector<watch_target>& things)
{
    if (things.empty())
        return;
    log::warn("consul watches over max_blocking_queries with every folder refused; some keys are polled",
              {{"consul", cfg_.name}, {"polled", std::to_string(things.size())}});
    tell_failed(things, make_error(errc::unavailable, "beyond max_blocking_queries of consul " + cfg_.name));
}

void watch_hub::fan_out(const query_run& run)
{
    for (const auto& t : run.served)
    {
        auto a = audience_.find(t);
        if (a == audience_.end())
            continue;
        auto part = entries_for(t, *run.answer);
        for (auto id : a->second.hear(print_of(part)))
            if (auto s = subscribers_.find(id); s != subscribers_.end())
                s->second.second.changed(t, part);
    }
}

}  // namespace vk::consul
