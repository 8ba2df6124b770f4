// Client construction, renewal and start-up checks shared by both sync roles.
#include "sync/sync_base.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "metrics/registry.hpp"
#include "sync/model/kv_v1.hpp"
#include "sync/startup_checks.hpp"
#include "sync/sync_metrics.hpp"

namespace vk::sync {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

// Bursts of up to a tenth of a second's worth of requests; at least one.
double burst_of(double rate)
{
    return std::max(1.0, rate / 10.0);
}

void build_side(sync_core& core, asio::any_io_executor ex, const side_config& cfg, side_clients& out)
{
    auto v = vault::client::create(ex, core.config->vaults.at(cfg.vault));
    auto c = consul::client::create(ex, core.config->consuls.at(cfg.consul));
    if (!v)
        core.setup_error = v.error();
    else
        out.vault = std::move(*v);
    if (!c)
        core.setup_error = c.error();
    else
        out.consul = std::move(*c);
}

}  // namespace

sync_core::sync_core(const vk::job_config& jc, runtime::job_services& services)
    : kind_core(jc, services),
      timeout(jc.timeout),
      pace(settings->max_requests_per_second, burst_of(settings->max_requests_per_second))
{
    build_side(*this, executor, settings->origin, origin);
    if (settings->role == role::destination)
        build_side(*this, executor, settings->destination, destination);
}

void sync_core::count(const std::string& op, double n) const
{
    if (metrics && n > 0)
        metrics->counter_add(metric::operations, {{"job", job}, {"op", op}}, n);
}

void sync_core::gauge(const metrics::family& f, double value) const
{
    if (metrics)
        metrics->gauge_set(f, {{"job", job}}, value);
}

sync_base::sync_base(const vk::job_config& jc, runtime::job_services& services)
    : core_(std::make_shared<sync_core>(jc, services))
{
}

asio::awaitable<void> sync_base::background(const std::function<void()>& request_cycle)
{
    auto core = core_;
    if (core->setup_error)
        co_return co_await job_body::background(request_cycle);
    if (core->destination.vault)
        co_await (core->origin.vault->run_renewal() && core->destination.vault->run_renewal());
    else
        co_await core->origin.vault->run_renewal();
}

asio::awaitable<result<void>> sync_base::start_side(side_clients& side,
                                                    const std::vector<std::string>& mounts)
{
    if (core_->setup_error)
        co_return *core_->setup_error;
    auto token = co_await side.vault->start();
    if (!token)
        co_return token.error();
    auto found = co_await check_mounts(*side.vault, mounts);
    if (!found)
        co_return found.error();
    side.mounts = std::move(*found);
    // Only the origin's mounts produce insights; a KV v1 one needs the key (both roles hash its content).
    if (&side == &core_->origin)
        if (auto k = require_insight_key(side.mounts, core_->settings->kv_v1_insight_key.has_value()); !k)
            co_return k.error();
    co_return result<void>{};
}

runtime::action_result approve_held(const runtime::action_request& r, approval_gate& gate,
                                    const std::string& job, const char* count_field)
{
    auto plan = parse_approval(r.body);
    if (!plan)
        return plan.error();
    auto accepted = gate.approve(*plan, wall_clock::now());
    if (!accepted)
        return accepted.error();
    r.request_cycle();
    return boost::json::object{{"job", job}, {"plan", accepted->plan}, {count_field, gate.held_count()}};
}

boost::json::value held_plan_json(const approval_gate& gate)
{
    return gate.held_plan().empty() ? boost::json::value(nullptr) : boost::json::value(gate.held_plan());
}

boost::json::value approved_plan_json(const approval_gate& gate)
{
    const auto& a = gate.approval_given();
    return a ? boost::json::value(a->plan) : boost::json::value(nullptr);
}

}  // namespace vk::sync
