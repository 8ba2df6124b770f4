// The emissary body: cycles, Consul watches (the daemon-wide hubs), the poll pump, and its status.
#include "emissary/emissary_job.hpp"

#include "async/sleep.hpp"
#include "emissary/consul_watches.hpp"
#include "emissary/emissary_core.hpp"
#include "emissary/vault_checks.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

namespace vk::emissary {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using std::chrono::steady_clock;

namespace {

constexpr std::chrono::seconds pump_max_sleep{1};

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

    boost::json::object status() const override
    {
        auto s = core_->status();
        s["consul_watches"] = watches_->status();
        return s;
    }

    asio::awaitable<void> background(const std::function<void()>& request_cycle) override
    {
        auto core = core_;
        auto watches = watches_;
        std::function<void()> rc = request_cycle;
        co_await (pump(core, rc) && follow_consul(core, rc, watches) && renewals(core) &&
                  relogins(core, rc) && run_vault_checks(core, rc));
    }

private:
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
    std::shared_ptr<consul_watch_set> watches_ = std::make_shared<consul_watch_set>();
};

}  // namespace

runtime::body_result make_emissary_body(const vk::job_config& jc, runtime::job_services& services)
{
    return runtime::body_of<emissary_body, emissary_core>(jc, services);
}

}  // namespace vk::emissary
