// The daemon's lifecycle: start the admin server and the jobs, serve until a signal, reload on SIGHUP,
// and shut down in order (jobs cancelled and awaited, listener closed, pending notifications drained within
// the grace period).
#include "app/daemon.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>

#include "api/admin_api.hpp"
#include "api/audit_trail.hpp"
#include "app/daemon_observer.hpp"
#include "app/ha_coordinator.hpp"
#include "app/loop_lag.hpp"
#include "core/config_reload.hpp"
#include "core/log.hpp"
#include "http/model/url.hpp"
#include "http/server.hpp"
#include "metrics/registry.hpp"
#include "runtime/job_set.hpp"
#include "runtime/notifier.hpp"

namespace vk::app {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto tuple_token = asio::as_tuple(asio::use_awaitable);

namespace {

// The configuration as the daemon keeps it: the admin tokens only as the access list's digests.
vk::config tokens_forgotten(vk::config c)
{
    vk::forget_admin_tokens(c);
    return c;
}

}  // namespace

struct daemon::impl
{
    impl(asio::io_context& ioc, vk::config c, daemon_params p)
        : ex(ioc.get_executor()),
          params(std::move(p)),
          access(api::access_list::from(c.admin)),
          cfg(std::make_shared<const vk::config>(tokens_forgotten(std::move(c)))),
          audit(ex),
          lag(ex, metrics),
          notifier(std::make_unique<runtime::notifier>(ex, cfg->webhook, &metrics)),
          observer(
              metrics, [this] { return notifier.get(); }, [this](int code) { request_shutdown(code); },
              [this](const runtime::job& j, const runtime::cycle_record& r) { audit_cycle_end(j, r); }),
          jobs(ex, params.kinds, &observer),
          ha(ex, jobs),
          signals(ex, SIGINT, SIGTERM, SIGHUP),
          grace_timer(ex, asio::steady_timer::time_point::max())
    {
        services.executor = ex;
        services.config = cfg;
        services.metrics = &metrics;
        api_ctx.jobs = &jobs;
        api_ctx.kinds = &jobs.kinds();
        api_ctx.metrics = &metrics;
        api_ctx.ready = [this] { return ready; };
        api_ctx.lock = [this](const std::string& job) { return ha.view(job); };
        api_ctx.replicas = [this] { return ha.replicas(); };
        if (auto listen = http::parse_host_port(cfg->admin.listen))
            api_ctx.listen_port = listen->second;
        api_ctx.host_names = cfg->admin.hosts;
        router = api::build_router(api_ctx, [this]() -> const api::access_list& { return access; });
        audit.configure(cfg->audit, audit_forward(*cfg));
        router->set_audit(&audit);
    }

    asio::awaitable<int> run();
    asio::awaitable<void> control_loop();
    asio::awaitable<void> run_notifier();
    std::function<void(boost::json::object)> audit_forward(const vk::config& c);
    void audit_cycle_end(const runtime::job& j, const runtime::cycle_record& r);
    asio::awaitable<void> grace_wait();
    asio::awaitable<void> reload();
    void apply_admin_changes(const vk::config& fresh);
    asio::awaitable<void> apply_jobs();
    asio::awaitable<void> shutdown();
    void request_shutdown(int code);
    http::server_params server_params() const;

    asio::any_io_executor ex;
    daemon_params params;
    api::access_list access;  // the admin tokens of cfg, as digests (cfg keeps none of them)
    std::shared_ptr<const vk::config> cfg;
    api::audit_trail audit;  // cfg's audit file and webhook
    metrics::registry metrics;
    loop_lag lag;  // the io thread's lateness, in metrics
    std::unique_ptr<runtime::notifier> notifier;
    daemon_observer observer;
    runtime::job_set jobs;
    ha_coordinator ha;  // declared after jobs: destroyed before them
    runtime::job_services services;
    api::context api_ctx;
    std::unique_ptr<api::router> router;
    std::unique_ptr<http::server> server;
    asio::signal_set signals;
    asio::steady_timer grace_timer;
    bool ready = false;
    bool shutdown_requested = false;
    int exit_code = 0;
};

namespace {

http::tls_server_options admin_tls_options(const vk::config& c)
{
    return {c.admin.tls_cert_file.value_or(""), c.admin.tls_key_file.value_or(""),
            c.admin.tls_client_ca_file.value_or(""), c.admin.require_client_cert};
}

}  // namespace

http::server_params daemon::impl::server_params() const
{
    http::server_params p;
    p.listen = cfg->admin.listen;
    if (cfg->admin.tls_cert_file)
        p.tls = admin_tls_options(*cfg);
    return p;
}

asio::awaitable<int> daemon::impl::run()
{
    auto s = http::server::create(ex, server_params(),
                                  [this](http::request& req) { return router->dispatch(req); });
    if (!s)
    {
        log::error("cannot start the admin API", {{"error", s.error().describe()}});
        co_return 1;
    }
    server = std::move(*s);
    log::info("admin API listening",
              {{"address", server->local_address()}, {"tls", cfg->admin.tls_cert_file ? "on" : "off"}});
    co_await apply_jobs();
    ready = true;
    co_await (server->run() && run_notifier() && audit.run() && lag.run() && control_loop());
    log::info("vaultkeeper stopped", {{"exit_code", std::to_string(exit_code)}});
    co_return exit_code;
}

asio::awaitable<void> daemon::impl::control_loop()
{
    while (!shutdown_requested)
    {
        auto [ec, sig] = co_await signals.async_wait(tuple_token);
        if (ec)
            continue;  // cancelled by request_shutdown
        if (sig == SIGHUP)
            co_await reload();
        else
        {
            log::info("signal received, shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
            shutdown_requested = true;
        }
    }
    co_await shutdown();
}

void daemon::impl::request_shutdown(int code)
{
    if (shutdown_requested)
        return;
    log::error("halt_on_fatal is set: shutting down after a fatal error");
    exit_code = code;
    shutdown_requested = true;
    signals.cancel();
}

asio::awaitable<void> daemon::impl::shutdown()
{
    ready = false;
    co_await jobs.stop_all();
    co_await ha.stop_all();  // locks go only after our jobs stopped: no other replica overlaps them
    server->stop();
    lag.stop();
    audit.stop();  // writes the outcomes and denials not written yet, those of this minute too
    notifier->stop();
    grace_timer.expires_after(params.shutdown_grace);
}

asio::awaitable<void> daemon::impl::grace_wait()
{
    auto cs = co_await asio::this_coro::cancellation_state;
    for (;;)
    {
        // Aborted waits are re-armings by shutdown(); an expiry means the grace period is over.
        auto [ec] = co_await grace_timer.async_wait(tuple_token);
        if (!ec || cs.cancelled() != asio::cancellation_type::none)
            co_return;
    }
}

// audit.webhook: each change and outcome as a notification of severity "audit".
std::function<void(boost::json::object)> daemon::impl::audit_forward(const vk::config& c)
{
    if (!c.audit.webhook)
        return nullptr;
    return [this](boost::json::object event) {
        const auto* job = event.if_contains("job");
        runtime::notification n{job && job->is_string() ? std::string(job->get_string()) : "",
                                0,
                                "",
                                format_rfc3339(std::chrono::system_clock::now()),
                                "audit",
                                std::move(event)};
        notifier->notify(std::move(n));
    };
}

void daemon::impl::audit_cycle_end(const runtime::job& j, const runtime::cycle_record& r)
{
    if (!audit.awaits_cycle_of(j.name()))
        return;
    using namespace std::chrono;
    api::ended_cycle c{j.name(),
                       r.id,
                       duration_cast<milliseconds>(r.start.time_since_epoch()).count(),
                       std::string(runtime::to_string(r.outcome.value_or(runtime::cycle_outcome::failed))),
                       r.error,
                       format_rfc3339(r.end.value_or(system_clock::now())),
                       j.body_status()};
    audit.cycle_ended(c);
}

asio::awaitable<void> daemon::impl::run_notifier()
{
    // The notifier drains its queue after stop(); the grace timer bounds how long that may take.
    co_await (notifier->run() || grace_wait());
}

// The admin tokens are read per request; a renewed certificate behind the same files, another client CA or
// require_client_cert is swapped in place (new connections); another listen address or certificate files need
// a restart.
void daemon::impl::apply_admin_changes(const vk::config& fresh)
{
    if (fresh.admin.listen != cfg->admin.listen || fresh.admin.tls_cert_file != cfg->admin.tls_cert_file ||
        fresh.admin.tls_key_file != cfg->admin.tls_key_file)
    {
        log::warn("admin.listen and admin.tls take effect only after a restart");
        return;
    }
    if (!vk::admin_tls_rotated(*cfg, fresh))
        return;
    if (auto ok = server->reload_tls(admin_tls_options(fresh)); !ok)
        log::error("admin TLS certificate not reloaded; the previous one stays",
                   {{"error", ok.error().describe()}});
    else
        log::info("admin TLS certificate reloaded");
}

asio::awaitable<void> daemon::impl::reload()
{
    log::info("SIGHUP: reloading the configuration", {{"file", params.config_path}});
    audit.reopen();  // whatever becomes of the reload: logrotate moved the file away
    auto next = vk::load_config(params.config_path, jobs.parsers());
    if (!next)
    {
        log::error("reload rejected; the running configuration stays", {{"problems", next.error().render()}});
        co_return;
    }
    for (const auto& w : next->warnings)
        log::warn("config warning", {{"problem", w}});
    auto next_access = api::access_list::from(next->admin);
    auto fresh = std::make_shared<const vk::config>(tokens_forgotten(std::move(*next)));
    apply_admin_changes(*fresh);
    log::set_level(fresh->log.level);
    if (fresh->webhook != cfg->webhook)
        notifier->reconfigure(fresh->webhook);
    // Compared resolved: a rotated token, key or certificate file restarts the jobs that use it, with new
    // clients.
    auto hit = vk::jobs_hit_by_shared_changes(*cfg, *fresh);
    co_await jobs.stop_some(hit);
    cfg = fresh;
    access = std::move(next_access);  // a removed token stops working now
    audit.configure(cfg->audit, audit_forward(*cfg));
    services.config = cfg;
    co_await apply_jobs();
    log::info("configuration reloaded", {{"jobs", std::to_string(cfg->jobs.size())}});
}

// With HA, jobs start in standby and the coordinator activates those whose lock this replica holds.
asio::awaitable<void> daemon::impl::apply_jobs()
{
    jobs.set_initially_active(!cfg->ha);
    co_await jobs.apply(*cfg, services);
    co_await ha.apply(*cfg);
}

daemon::daemon(asio::io_context& ioc, vk::config cfg, daemon_params params)
    : impl_(std::make_unique<impl>(ioc, std::move(cfg), std::move(params)))
{
}

daemon::~daemon() = default;

asio::awaitable<int> daemon::run()
{
    return impl_->run();
}

}  // namespace vk::app
