// A job's side of the shared checks: it joins each of its Vaults' hubs with its KV v2 values, turns the
// hub's answers into keep / absent / read-the-data, and reads the data itself (its own client, the hub's
// read budget) in one loop, so that the hub never waits on a job.
#include "emissary/vault_checks.hpp"

#include "async/use_tuple.hpp"
#include "core/log.hpp"
#include "emissary/emissary_metrics.hpp"
#include "emissary/vault_check_hub.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <deque>

namespace vk::emissary {
namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::steady_clock;

namespace {

constexpr std::chrono::seconds check_max_sleep{1};  // looks at core->finished this often

struct checked_value
{
    dependency dep;
    check_key key;
    source_checks* checks = nullptr;  // in core->checks, which lives as long as the core
    dep_state* state = nullptr;       // in core->deps (a map: its nodes stay put), looked up once
};

// The job's checked values, what the hubs told it to read, and its memberships (left when the job ends).
struct job_checks
{
    explicit job_checks(asio::any_io_executor ex)
        : wake(std::move(ex), clock_time::max())
    {
    }
    ~job_checks()
    {
        for (auto& [hub, id] : joined)
            hub->leave(id);
    }
    std::vector<checked_value> values;  // fixed once joined: the hubs' answers point into it
    // Per membership, the values of each path joined with, by its index (a deque: the answers hold
    // references to its elements).
    std::deque<std::vector<std::vector<checked_value*>>> by_index;
    std::deque<checked_value*> to_read;
    asio::steady_timer wake;
    std::vector<std::pair<std::shared_ptr<vault_check_hub>, std::uint64_t>> joined;
};

std::vector<checked_value> checked_values(emissary_core& core)
{
    std::vector<checked_value> out;
    for (auto& [d, s] : core.deps)
    {
        auto src = core.sources.find(d.source);
        if (d.kind != dep_kind::value || src == core.sources.end() || !src->second.vault ||
            src->second.cfg.engine != vault_engine::kv || src->second.cfg.kv_version != 2)
            continue;
        auto [mount, inner] = vault_mount_and_path(src->second.cfg, d.path);
        out.push_back(checked_value{d, check_key{mount, inner}, &core.checks[d.source], &s});
    }
    return out;
}

void fall_back(emissary_core& core, const checked_value& v)
{
    if (!v.checks->fallback_mounts.insert(v.key.mount).second)
        return;
    log::warn("vault_check: the token may not read " + v.key.mount + "/metadata/ (403); source " +
                  v.dep.source + " reads the data at every check instead",
              {{"job", core.job}, {"source", v.dep.source}, {"mount", v.key.mount}});
}

// What one answer means for one of the job's values; true when the data is to be read.
bool take_answer(emissary_core& core, const checked_value& v, const check_answer& a,
                 const std::function<void()>& rc)
{
    auto& held = *v.state;
    if (!held.value || !held.value->present)
        return false;  // not there (yet): the cycle's polls look for it
    if (a.kind == check_answer::what::read_data)
    {
        fall_back(core, v);
        return true;
    }
    if (a.kind == check_answer::what::failed)
    {
        // Vault cannot be read (down, a login refused): the cycle's polls read the value, so their backoff,
        // warnings and the job's status say what fails, until a check succeeds again.
        if (held.watched)
        {
            held.watched = false;
            held.next_poll = steady_clock::now();
            core.polls_changed();
            rc();
        }
        return false;
    }
    if (v.checks->fallback_mounts.erase(v.key.mount) > 0)
        log::info("vault_check: the token may read " + v.key.mount + "/metadata/ again; source " +
                      v.dep.source + " is version-checked again",
                  {{"job", core.job}, {"source", v.dep.source}, {"mount", v.key.mount}});
    switch (after_check(a.seen, true, held.value->version))
    {
    case check_step::keep:
        if (!held.watched)
        {
            held.watched = true;
            core.polls_changed();
        }
        return false;
    case check_step::read: return true;
    case check_step::absent:
        core.record(v.dep, fetched{});
        held.watched = false;  // the cycle's polls look for it again, with their backoff
        core.polls_changed();
        rc();
        return false;
    }
    return false;
}

void join_hubs(const std::shared_ptr<emissary_core>& core, job_checks& jc, const asio::any_io_executor& ex,
               const std::function<void()>& rc)
{
    std::map<std::string, std::map<check_key, std::vector<checked_value*>>> by_source;
    for (auto& v : jc.values)
        by_source[v.dep.source][v.key].push_back(&v);
    for (auto& [source, grouped] : by_source)
    {
        auto& src = core->sources.at(source);
        auto& c = core->checks[source];
        c.vault = src.cfg.vault;
        c.hub = vault_check_hub::for_vault(ex, c.vault, src.vault->endpoint());
        c.paths = grouped.size();
        std::vector<check_key> list;
        auto& mine = jc.by_index.emplace_back();
        for (auto& [key, values] : grouped)
        {
            list.push_back(key);
            mine.push_back(std::move(values));
        }
        auto answer = [&jc, &mine, core = core.get(), rc](std::uint32_t index, const check_answer& a) {
            bool queued = false;
            for (auto* v : mine.at(index))
                if (take_answer(*core, *v, a, rc))
                {
                    jc.to_read.push_back(v);
                    queued = true;
                }
            if (queued)
                jc.wake.cancel();
        };
        const auto id = c.hub->join(list, core->settings->vault_check,
                                    static_cast<double>(core->settings->max_requests_per_second),
                                    {core, source, std::move(answer)});
        jc.joined.emplace_back(c.hub, id);
    }
}

// Not inline in the coroutine: g++ 12 may destroy a braced list of strings in a coroutine twice.
void count_read(const emissary_core& core, const checked_value& v)
{
    if (core.metrics)
        core.metrics->counter_add(metric::vault_requests,
                                  {{"job", core.job}, {"vault", v.checks->vault}, {"kind", "read"}}, 1);
}

// Reads the data; a change is recorded and asks for a cycle. A failed read goes back to the cycle's polls
// (their backoff, warnings and status).
asio::awaitable<void> read_data(emissary_core& core, const checked_value& v, const std::function<void()>& rc)
{
    if (const auto at = v.checks->hub->take_read(steady_clock::now()), now = steady_clock::now(); at > now)
    {
        asio::steady_timer t(co_await asio::this_coro::executor, at);
        co_await t.async_wait(use_tuple);
    }
    count_read(core, v);
    auto f = co_await fetch(core.sources.at(v.dep.source), v.dep);
    auto& s = *v.state;
    if (!f)
    {
        s.watched = false;
        s.next_poll = steady_clock::now();
        core.polls_changed();
        co_return rc();
    }
    const bool changed = !s.value || s.value->present != f->present || s.value->value != f->value;
    core.record(v.dep, *f);
    s.watched = f->present;  // an absent value is polled by the cycle until it appears
    core.polls_changed();
    if (changed)
        rc();
}

}  // namespace

asio::awaitable<void> run_vault_checks(std::shared_ptr<emissary_core> core, std::function<void()> rc)
{
    // Off, or a refresh at least as frequent: the values are re-read in full every refresh, as asked.
    const auto& st = *core->settings;
    if (st.vault_check.count() == 0 || (st.refresh.count() > 0 && st.refresh <= st.vault_check))
        co_return;
    const auto ex = co_await asio::this_coro::executor;
    job_checks jc(ex);
    jc.values = checked_values(*core);
    if (jc.values.empty())
        co_return;
    join_hubs(core, jc, ex, rc);
    while (!core->finished)
    {
        if (jc.to_read.empty())
        {
            jc.wake.expires_after(check_max_sleep);
            co_await jc.wake.async_wait(use_tuple);
            continue;
        }
        auto* v = jc.to_read.front();
        jc.to_read.pop_front();
        co_await read_data(*core, *v, rc);
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
            {"vault_checked_paths", c.hub ? c.hub->registry().paths() : 0},
            {"check_interval_seconds", c.hub ? c.hub->registry().interval().count() / 1000.0 : 0.0},
            {"max_requests_per_second", c.hub ? c.hub->registry().per_second() : 0.0},
            {"fallback_to_reads", !c.fallback_mounts.empty()},
            {"fallback_mounts", std::move(fallback)}});
    }
    return out;
}

}  // namespace vk::emissary
