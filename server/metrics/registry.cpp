// prometheus-cpp core behind vk::metrics::registry; /metrics is served by our own HTTP server through
// TextSerializer (no civetweb exposer).
#include "metrics/registry.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <set>

namespace vk::metrics {
namespace p = prometheus;

struct registry::impl
{
    std::shared_ptr<p::Registry> reg = std::make_shared<p::Registry>();
    p::Family<p::Gauge>& build_info = p::BuildGauge()
                                          .Name("vaultkeeper_build_info")
                                          .Help("Always 1; the labels say which build runs")
                                          .Register(*reg);
    p::Family<p::Counter>& cycles = p::BuildCounter()
                                        .Name("vaultkeeper_cycles_total")
                                        .Help("Job cycles ended, by outcome")
                                        .Register(*reg);
    p::Family<p::Histogram>& durations = p::BuildHistogram()
                                             .Name("vaultkeeper_cycle_duration_seconds")
                                             .Help("Wall time of job cycles")
                                             .Register(*reg);
    p::Family<p::Gauge>& up = p::BuildGauge()
                                  .Name("vaultkeeper_job_up")
                                  .Help("1 while a job runs its cycles, 0 when halted or failed")
                                  .Register(*reg);
    p::Family<p::Gauge>& last_success = p::BuildGauge()
                                            .Name("vaultkeeper_last_success_timestamp_seconds")
                                            .Help("Unix time at which the job's last successful cycle ended")
                                            .Register(*reg);
    p::Family<p::Counter>& errors = p::BuildCounter()
                                        .Name("vaultkeeper_errors_total")
                                        .Help("Errors reported by job cycles, by severity")
                                        .Register(*reg);
    p::Family<p::Counter>& admin = p::BuildCounter()
                                       .Name("vaultkeeper_admin_requests_total")
                                       .Help("Admin API requests, by route template and status code")
                                       .Register(*reg);
    p::Family<p::Counter>& denied =
        p::BuildCounter()
            .Name("vaultkeeper_admin_denied_total")
            .Help("Admin API requests refused for their token, by route template and reason")
            .Register(*reg);
    p::Family<p::Gauge>& state =
        p::BuildGauge()
            .Name("vaultkeeper_job_state")
            .Help("1 for the job's current state, 0 for the other states it has been in")
            .Register(*reg);
    p::Family<p::Gauge>& interval = p::BuildGauge()
                                        .Name("vaultkeeper_job_interval_seconds")
                                        .Help("The job's configured interval between cycle starts")
                                        .Register(*reg);
    p::Family<p::Counter>& webhook = p::BuildCounter()
                                         .Name("vaultkeeper_webhook_deliveries_total")
                                         .Help("Webhook notifications, by result after the retries")
                                         .Register(*reg);
    p::Counter& webhook_dropped =
        p::BuildCounter()
            .Name("vaultkeeper_webhook_dropped_total")
            .Help("Webhook notifications dropped, oldest first, because the queue was full")
            .Register(*reg)
            .Add({});
    p::Histogram& loop_lag = p::BuildHistogram()
                                 .Name("vaultkeeper_event_loop_lag_seconds")
                                 .Help("How late a 10 ms timer on the io thread fired")
                                 .Register(*reg)
                                 .Add({}, p::Histogram::BucketBoundaries{0.001, 0.002, 0.005, 0.01, 0.025,
                                                                         0.05, 0.1, 0.25, 0.5, 1, 2.5});
    std::set<std::string, std::less<>> state_names;  // to forget a job's state series
    std::map<std::string, p::Family<p::Counter>*, std::less<>> kind_counters;
    std::map<std::string, p::Family<p::Gauge>*, std::less<>> kind_gauges;
};

namespace {
const p::Histogram::BucketBoundaries cycle_buckets{0.01, 0.05, 0.1, 0.5, 1,   2.5, 5,
                                                   10,   30,   60,  120, 300, 600};
}

registry::registry()
    : impl_(std::make_unique<impl>())
{
    impl_->build_info.Add({{"version", VK_VERSION}}).Set(1);
    for (const char* result : {"delivered", "failed"})
        impl_->webhook.Add({{"result", result}});  // present at 0, so rate() and alerts see the series
}

registry::~registry() = default;

void registry::cycle_ended(const std::string& job, const std::string& kind, std::string_view outcome,
                           double seconds, bool success, double end_unix_seconds)
{
    impl_->cycles.Add({{"job", job}, {"kind", kind}, {"outcome", std::string(outcome)}}).Increment();
    impl_->durations.Add({{"job", job}, {"kind", kind}}, cycle_buckets).Observe(seconds);
    if (success)
        impl_->last_success.Add({{"job", job}}).Set(end_unix_seconds);
}

void registry::job_up(const std::string& job, bool up)
{
    impl_->up.Add({{"job", job}}).Set(up ? 1 : 0);
}

void registry::job_state(const std::string& job, std::string_view state, bool current)
{
    impl_->state_names.emplace(state);
    impl_->state.Add({{"job", job}, {"state", std::string(state)}}).Set(current ? 1 : 0);
}

void registry::job_interval(const std::string& job, double seconds)
{
    impl_->interval.Add({{"job", job}}).Set(seconds);
}

void registry::event_loop_lag(double seconds)
{
    impl_->loop_lag.Observe(seconds);
}

void registry::webhook_delivery(bool delivered)
{
    impl_->webhook.Add({{"result", delivered ? "delivered" : "failed"}}).Increment();
}

void registry::webhook_dropped()
{
    impl_->webhook_dropped.Increment();
}

void registry::error_reported(const std::string& job, std::string_view severity)
{
    impl_->errors.Add({{"job", job}, {"severity", std::string(severity)}}).Increment();
}

void registry::admin_request(std::string_view route, unsigned status)
{
    impl_->admin.Add({{"route", std::string(route)}, {"code", std::to_string(status)}}).Increment();
}

void registry::admin_denied(std::string_view route, std::string_view reason)
{
    impl_->denied.Add({{"route", std::string(route)}, {"reason", std::string(reason)}}).Increment();
}

void registry::forget_job(const std::string& job, const std::string& kind)
{
    for (const char* outcome : {"ok", "failed", "timeout", "halted", "cancelled"})
        if (impl_->cycles.Has({{"job", job}, {"kind", kind}, {"outcome", outcome}}))
            impl_->cycles.Remove(&impl_->cycles.Add({{"job", job}, {"kind", kind}, {"outcome", outcome}}));
    if (impl_->up.Has({{"job", job}}))
        impl_->up.Remove(&impl_->up.Add({{"job", job}}));
    if (impl_->interval.Has({{"job", job}}))
        impl_->interval.Remove(&impl_->interval.Add({{"job", job}}));
    for (const auto& state : impl_->state_names)
        if (impl_->state.Has({{"job", job}, {"state", state}}))
            impl_->state.Remove(&impl_->state.Add({{"job", job}, {"state", state}}));
}

void registry::counter_add(const family& f, const std::map<std::string, std::string>& labels, double value)
{
    std::string name(f.name);
    auto it = impl_->kind_counters.find(name);
    if (it == impl_->kind_counters.end())
        it = impl_->kind_counters
                 .emplace(name, &p::BuildCounter().Name(name).Help(std::string(f.help)).Register(*impl_->reg))
                 .first;
    it->second->Add(labels).Increment(value);
}

void registry::gauge_set(const family& f, const std::map<std::string, std::string>& labels, double value)
{
    std::string name(f.name);
    auto it = impl_->kind_gauges.find(name);
    if (it == impl_->kind_gauges.end())
        it = impl_->kind_gauges
                 .emplace(name, &p::BuildGauge().Name(name).Help(std::string(f.help)).Register(*impl_->reg))
                 .first;
    it->second->Add(labels).Set(value);
}

std::string registry::serialize() const
{
    return p::TextSerializer().Serialize(impl_->reg->Collect());
}

p::Registry& registry::raw()
{
    return *impl_->reg;
}

}  // namespace vk::metrics
