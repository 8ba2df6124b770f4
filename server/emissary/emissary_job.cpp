// The emissary body: cycles, Consul watches (keys and prefixes), the poll pump, and its status.
#include "emissary/emissary_job.hpp"

#include "async/sleep.hpp"
#include "consul/watch.hpp"
#include "core/log.hpp"
#include "emissary/emissary_core.hpp"
#include "emissary/vault_checks.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

namespace vk::emissary {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using std::chrono::steady_clock;

namespace {

constexpr std::chrono::minutes watch_wait{5};
constexpr std::chrono::seconds watch_retry{2};
constexpr std::chrono::seconds pump_max_sleep{1};

// A watch's answer: recorded, the value marked as kept fresh by the watch, and a cycle asked for.
void answered(emissary_core& core, const dependency& d, const fetched& f, const std::function<void()>& rc)
{
    core.record(d, f);
    core.deps[d].watched = true;
    rc();
}

void watch_failed(emissary_core& core, const dependency& d, const error& e)
{
    core.deps[d].watched = false;  // the cycle polls it meanwhile, with backoff
    log::debug("consul watch failed; retrying", {{"job", core.job}, {"error", core.hide(e.describe())}});
}

consul::watch_options watch_timing()
{
    consul::watch_options o;
    o.wait = watch_wait;
    o.retry = watch_retry;
    return o;
}

// Keeps one Consul key fresh with blocking queries; every change (or first answer) asks for a cycle.
asio::awaitable<void> watch_key(std::shared_ptr<emissary_core> core, dependency d,
                                std::function<void()> request_cycle)
{
    auto& client = *core->sources.at(d.source).consul;  // the sources live as long as the core
    consul::watch_handlers h;
    h.changed = [&](const std::optional<consul::kv_entry>& value, bool) {
        fetched f;
        if (value)
            f = fetched{true, boost::json::value(value->value)};
        answered(*core, d, f, request_cycle);
    };
    h.failed = [&](const error& e) { watch_failed(*core, d, e); };
    h.done = [&] { return core->finished; };
    co_await consul::watch(client, d.path, watch_timing(), h);
}

// Keeps a prefix's listing fresh: a key added or removed under it, or a value changed, asks for a cycle.
asio::awaitable<void> watch_tree(std::shared_ptr<emissary_core> core, dependency d,
                                 std::function<void()> request_cycle)
{
    auto& client = *core->sources.at(d.source).consul;
    consul::prefix_watch_handlers h;
    h.changed = [&](const std::vector<consul::kv_entry>& entries, bool) {
        answered(*core, d, listing_of(entries), request_cycle);
    };
    h.failed = [&](const error& e) { watch_failed(*core, d, e); };
    h.done = [&] { return core->finished; };
    co_await consul::watch_prefix(client, d.path, watch_timing(), h);
}

asio::awaitable<void> watch_one(std::shared_ptr<emissary_core> core, dependency d, std::function<void()> rc)
{
    if (d.kind == dep_kind::tree)
        co_return co_await watch_tree(std::move(core), std::move(d), std::move(rc));
    co_await watch_key(std::move(core), std::move(d), std::move(rc));
}

// Asks for a cycle when a poll (a missing value's retry, a refresh) or the command's window is due.
asio::awaitable<void> pump(std::shared_ptr<emissary_core> core, std::function<void()> request_cycle)
{
    for (;;)
    {
        auto due = core->next_due();
        auto now = steady_clock::now();
        if (core->finished)
            co_return;
        if (due && *due <= now)
            request_cycle();
        auto wait = due ? std::min<steady_clock::duration>(
                              std::max<steady_clock::duration>(*due - now, std::chrono::milliseconds(20)),
                              pump_max_sleep)
                        : steady_clock::duration(pump_max_sleep);
        co_await sleep_for(wait);
    }
}

class emissary_body : public runtime::job_body
{
public:
    explicit emissary_body(std::shared_ptr<emissary_core> core)
        : core_(std::move(core))
    {
    }

    asio::awaitable<void> run_cycle(runtime::cycle_context& ctx) override
    {
        auto core = core_;
        co_await core->cycle(ctx);
    }

    boost::json::object status() const override { return core_->status(); }

    asio::awaitable<void> background(const std::function<void()>& request_cycle) override
    {
        auto core = core_;
        std::function<void()> rc = request_cycle;
        co_await (pump(core, rc) && watches(core, rc) && renewals(core) && relogins(core, rc) &&
                  run_vault_checks(core, rc));
    }

private:
    // One blocking-query loop per Consul key or prefix, all cancelled with this coroutine.
    static asio::awaitable<void> watches(std::shared_ptr<emissary_core> core, std::function<void()> rc)
    {
        std::vector<dependency> keys;
        for (const auto& [d, s] : core->deps)
            if (auto it = core->sources.find(d.source);
                it != core->sources.end() && it->second.consul && d.kind != dep_kind::secrets)
                keys.push_back(d);
        co_await watch_list(core, keys, 0, rc);
    }

    static asio::awaitable<void> watch_list(std::shared_ptr<emissary_core> core,
                                            const std::vector<dependency>& keys, std::size_t i,
                                            std::function<void()> rc)
    {
        if (i >= keys.size())
            co_return;
        if (i + 1 == keys.size())
            co_return co_await watch_one(core, keys[i], rc);
        co_await (watch_one(core, keys[i], rc) && watch_list(core, keys, i + 1, rc));
    }

    // Every vault source's token is kept alive (each source has its own client, and a dynamic source's
    // leases die with the token that created them); a client logs in lazily, at its first fetch.
    static asio::awaitable<void> renewals(std::shared_ptr<emissary_core> core)
    {
        std::vector<source_clients*> vaults;
        for (auto& [name, s] : core->sources)
            if (s.vault)
                vaults.push_back(&s);
        co_await renew_list(core, vaults, 0);
    }

    static asio::awaitable<void> renew_list(std::shared_ptr<emissary_core> core,
                                            const std::vector<source_clients*>& vaults, std::size_t i)
    {
        if (i >= vaults.size())
            co_return;
        if (i + 1 == vaults.size())
            co_return co_await renew_one(core, *vaults[i]);
        co_await (renew_one(core, *vaults[i]) && renew_list(core, vaults, i + 1));
    }

    static asio::awaitable<void> renew_one(std::shared_ptr<emissary_core> core, source_clients& s)
    {
        while (!s.vault_started)
            co_await sleep_for(std::chrono::seconds(1));
        co_await s.vault->run_renewal();
    }

    // A vault client that logged in again took its leases with the old token: a cycle replaces them
    // (lease_keeper::tend). Only a counter is read; no request.
    static asio::awaitable<void> relogins(std::shared_ptr<emissary_core> core, std::function<void()> rc)
    {
        auto total = [&] {
            std::uint64_t n = 0;
            for (auto& [name, s] : core->sources)
                if (s.vault && s.cfg.engine == vault_engine::dynamic)
                    n += s.vault->logins();
            return n;
        };
        if (std::none_of(core->sources.begin(), core->sources.end(),
                         [](const auto& s) { return s.second.cfg.engine == vault_engine::dynamic; }))
            co_return;
        for (std::uint64_t seen = total();;)
        {
            co_await sleep_for(std::chrono::milliseconds(500));
            if (auto now = total(); now != seen)
            {
                seen = now;
                rc();
            }
        }
    }

    std::shared_ptr<emissary_core> core_;
};

}  // namespace

runtime::body_result make_emissary_body(const vk::job_config& jc, runtime::job_services& services)
{
    return runtime::body_of<emissary_body, emissary_core>(jc, services);
}

}  // namespace vk::emissary
