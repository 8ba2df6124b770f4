// The sync core: the clients of both sides built once per job, the pacing, the kind's metrics.
#include "sync/sync_core.hpp"

#include <algorithm>

#include "metrics/registry.hpp"
#include "sync/sync_metrics.hpp"

namespace vk::sync {
namespace asio = boost::asio;

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

}  // namespace vk::sync
