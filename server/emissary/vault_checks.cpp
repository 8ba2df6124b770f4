// The checker: one loop per job over its checked values in slot order. Jobs meet on the same slots of a
// path, and the first one due sends the request while the others take its answer.
#include "emissary/vault_checks.hpp"

#include "async/sleep.hpp"
#include "core/log.hpp"
#include "emissary/emissary_metrics.hpp"
#include "emissary/model/check_schedule.hpp"
#include "metrics/registry.hpp"
#include "sync/model/go_time.hpp"
#include "vault/kv.hpp"

#include <set>

namespace vk::emissary {
namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::steady_clock;

namespace {

constexpr std::chrono::seconds check_max_sleep{1};        // looks at core->finished this often
constexpr std::chrono::milliseconds shared_wait_step{5};  // while another job's check of a slot runs
constexpr std::chrono::seconds shared_wait_max{5};

// The registry of one Vault, shared by every job of the daemon (the io_context's thread only).
std::shared_ptr<check_registry> registry_of(const std::string& vault)
{
    static std::map<std::string, std::weak_ptr<check_registry>> registries;
    auto& slot = registries[vault];
    auto r = slot.lock();
    if (!r)
        slot = r = std::make_shared<check_registry>(steady_clock::now());
    return r;
}

struct checked_value
{
    dependency dep;
    check_key key;
    source_checks* checks = nullptr;  // in core->checks, which lives as long as the core
    dep_state* state = nullptr;       // in core->deps (a map: its nodes stay put), looked up once
    clock_time due{};
};

// The job's KV v2 values by source, each source joined to its Vault's registry; leaves them when the
// checker ends.
struct check_memberships
{
    std::vector<std::pair<std::shared_ptr<check_registry>, std::uint64_t>> joined;
    ~check_memberships()
    {
        for (auto& [r, id] : joined)
            r->leave(id);
    }
};

std::vector<checked_value> checked_values(emissary_core& core, check_memberships& m)
{
    std::vector<checked_value> out;
    std::map<std::string, std::vector<check_key>> keys;
    for (auto& [d, s] : core.deps)
    {
        auto src = core.sources.find(d.source);
        if (d.kind != dep_kind::value || src == core.sources.end() || !src->second.vault ||
            src->second.cfg.engine != vault_engine::kv || src->second.cfg.kv_version != 2)
            continue;
        auto [mount, inner] = vault_mount_and_path(src->second.cfg, d.path);
        out.push_back(checked_value{d, check_key{mount, inner}, &core.checks[d.source], &s});
        keys[d.source].push_back(out.back().key);
    }
    for (auto& [source, list] : keys)
    {
        auto& c = core.checks[source];
        c.vault = core.sources.at(source).cfg.vault;
        c.registry = registry_of(c.vault);
        c.paths = list.size();
        const auto id = c.registry->join(list, core.settings->vault_check,
                                         static_cast<double>(core.settings->max_requests_per_second));
        m.joined.emplace_back(c.registry, id);
    }
    return out;
}

void count_request(const emissary_core& core, const checked_value& v, const char* kind)
{
    if (core.metrics)
        core.metrics->counter_add(metric::vault_requests,
                                  {{"job", core.job}, {"vault", v.checks->vault}, {"kind", kind}}, 1);
}

// Waits until `at` (the budget's answer for one more request) when it is still to come.
asio::awaitable<void> wait_for_budget(clock_time at)
{
    if (const auto now = steady_clock::now(); at > now)
        co_await sleep_for(at - now);
}

bool current_deleted(const vault::kv_metadata& m)
{
    auto v = m.versions.find(m.current_version);
    if (v == m.versions.end())
        return false;
    if (v->second.destroyed)
        return true;
    if (v->second.deletion_time.empty())
        return false;
    // A deletion_time in the future is delete_version_after's appointment, not a deletion yet.
    auto at = sync::parse_rfc3339_nano(v->second.deletion_time);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return at.ok && at.instant.seconds <= now;
}

// One metadata read, within the budget: the version seen (a missing secret: exists = false), or the error.
asio::awaitable<result<version_seen>> read_version(emissary_core& core, const checked_value& v)
{
    auto& client = *core.sources.at(v.dep.source).vault;
    co_await wait_for_budget(v.checks->registry->take(steady_clock::now()));
    count_request(core, v, "check");
    auto m = co_await vault::kv2_read_metadata(client, v.key.mount, v.key.path);
    if (!m && m.error().code == errc::not_found)
        co_return version_seen{};
    if (!m)
        co_return m.error();
    co_return version_seen{true, m->current_version, current_deleted(*m)};
}

// The answer for v's slot: another job's when it checked the same slot, else this job's own request;
// nullopt when the check failed (tried again at the next slot), permission_denied for a 403.
asio::awaitable<result<std::optional<version_seen>>> version_at_slot(emissary_core& core,
                                                                     const checked_value& v)
{
    auto& r = *v.checks->registry;
    for (auto waited = steady_clock::duration::zero(); r.in_flight(v.key, v.due) && waited < shared_wait_max;
         waited += shared_wait_step)
        co_await sleep_for(shared_wait_step);
    if (auto shared = r.answer_for(v.key, v.due))
        co_return *shared;
    r.begin(v.key, v.due);
    auto seen = co_await read_version(core, v);
    r.answered(v.key, v.due, seen ? std::optional<version_seen>(*seen) : std::nullopt);
    if (seen)
        co_return std::optional<version_seen>(*seen);
    if (seen.error().code == errc::permission_denied)
        co_return seen.error();
    log::debug("vault version check failed; trying again at the next slot",
               {{"job", core.job}, {"source", v.dep.source}, {"error", core.hide(seen.error().describe())}});
    co_return std::optional<version_seen>{};
}

// Reads the data; a change is recorded and asks for a cycle. A failed read goes back to the cycle's polls
// (their backoff, warnings and status).
asio::awaitable<void> read_data(emissary_core& core, const checked_value& v, const std::function<void()>& rc)
{
    co_await wait_for_budget(v.checks->registry->take_read(steady_clock::now()));
    count_request(core, v, "read");
    auto f = co_await fetch(core.sources.at(v.dep.source), v.dep);
    auto& s = *v.state;
    if (!f)
    {
        s.watched = false;
        s.next_poll = steady_clock::now();
        co_return rc();
    }
    const bool changed = !s.value || s.value->present != f->present || s.value->value != f->value;
    core.record(v.dep, *f);
    s.watched = f->present;  // an absent value is polled by the cycle until it appears
    if (changed)
        rc();
}

void fall_back(emissary_core& core, const checked_value& v)
{
    if (!v.checks->fallback_mounts.insert(v.key.mount).second)
        return;
    log::warn("vault_check: the token may not read " + v.key.mount + "/metadata/ (403); source " +
                  v.dep.source + " reads the data at every check instead",
              {{"job", core.job}, {"source", v.dep.source}, {"mount", v.key.mount}});
}

asio::awaitable<void> check_one(emissary_core& core, const checked_value& v, const std::function<void()>& rc)
{
    const auto& s = *v.state;
    if (!s.value || !s.value->present)
        co_return;  // not there (yet): the cycle's polls look for it
    if (v.checks->fallback_mounts.contains(v.key.mount))
        co_return co_await read_data(core, v, rc);
    auto seen = co_await version_at_slot(core, v);
    if (!seen && seen.error().code == errc::permission_denied)
    {
        fall_back(core, v);
        co_return co_await read_data(core, v, rc);
    }
    if (!seen || !*seen)
        co_return;
    auto& held = *v.state;
    switch (after_check(**seen, held.value && held.value->present,
                        held.value ? held.value->version : std::nullopt))
    {
    case check_step::keep: held.watched = true; break;
    case check_step::read: co_await read_data(core, v, rc); break;
    case check_step::absent:
        core.record(v.dep, fetched{});
        held.watched = false;  // the cycle's polls look for it again, with their backoff
        rc();
        break;
    }
}

using due_queue = std::set<std::pair<clock_time, std::size_t>>;

due_queue plan_dues(std::vector<checked_value>& values, clock_time now)
{
    due_queue q;
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        values[i].due = values[i].checks->registry->next_due(values[i].key, now);
        q.emplace(values[i].due, i);
    }
    return q;
}

std::uint64_t generations(const std::map<std::string, source_checks>& checks)
{
    std::uint64_t sum = 0;
    for (const auto& [name, c] : checks)
        sum += c.registry ? c.registry->generation() : 0;
    return sum;
}

}  // namespace

asio::awaitable<void> run_vault_checks(std::shared_ptr<emissary_core> core, std::function<void()> rc)
{
    // Off, or a refresh at least as frequent: the values are re-read in full every refresh, as asked.
    const auto& st = *core->settings;
    if (st.vault_check.count() == 0 || (st.refresh.count() > 0 && st.refresh <= st.vault_check))
        co_return;
    check_memberships memberships;
    auto values = checked_values(*core, memberships);
    if (values.empty())
        co_return;
    auto seen_generation = generations(core->checks);
    auto queue = plan_dues(values, steady_clock::now());
    while (!core->finished)
    {
        // Another job joined or left one of the Vaults: the interval (and so every due time) moved.
        if (auto g = generations(core->checks); g != seen_generation)
        {
            seen_generation = g;
            queue = plan_dues(values, steady_clock::now());
        }
        auto [due, i] = *queue.begin();
        if (auto now = steady_clock::now(); due > now)
        {
            co_await sleep_for(std::min<steady_clock::duration>(due - now, check_max_sleep));
            continue;
        }
        queue.erase(queue.begin());
        auto& v = values[i];
        co_await check_one(*core, v, rc);
        // A round that fell behind (the budget, a slow Vault) skips the slots it missed.
        v.due = v.checks->registry->next_due(v.key, std::max(v.due, steady_clock::now()));
        queue.emplace(v.due, i);
    }
}

json::array vault_checks_status(const emissary_core& core)
{
    json::array out;
    for (const auto& [source, c] : core.checks)
    {
        json::array fallback;
        for (const auto& m : c.fallback_mounts)
            fallback.emplace_back(m);
        out.push_back(json::object{
            {"source", source},
            {"vault", c.vault},
            {"checked_paths", c.paths},
            {"vault_checked_paths", c.registry ? c.registry->paths() : 0},
            {"check_interval_seconds", c.registry ? c.registry->interval().count() / 1000.0 : 0.0},
            {"max_requests_per_second", c.registry ? c.registry->per_second() : 0.0},
            {"fallback_to_reads", !c.fallback_mounts.empty()},
            {"fallback_mounts", std::move(fallback)}});
    }
    return out;
}

}  // namespace vk::emissary
