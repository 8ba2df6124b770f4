// The daemon's Prometheus metrics: one registry, the families every job kind shares, and the text
// exposition for GET /metrics. Labels carry only bounded values (job names, kinds, outcomes, routes).
#ifndef VAULTKEEPER_SERVER_METRICS_REGISTRY_HPP
#define VAULTKEEPER_SERVER_METRICS_REGISTRY_HPP

#include "metrics/family.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Registry;
}

namespace vk::metrics {

class registry
{
public:
    registry();
    ~registry();
    registry(const registry&) = delete;
    registry& operator=(const registry&) = delete;

    void cycle_ended(const std::string& job, const std::string& kind, std::string_view outcome,
                     double seconds, bool success, double end_unix_seconds);
    void job_up(const std::string& job, bool up);
    // vaultkeeper_job_state{job,state}: 1 for the job's current state, 0 for the others it has been in.
    void job_state(const std::string& job, std::string_view state, bool current);
    // vaultkeeper_job_interval_seconds{job}: what "no success for twice the interval" alerts compare with.
    void job_interval(const std::string& job, double seconds);
    // vaultkeeper_webhook_deliveries_total{result="delivered"|"failed"} (after the retries).
    void webhook_delivery(bool delivered);
    // vaultkeeper_webhook_dropped_total: notifications dropped from a full queue (oldest first).
    void webhook_dropped();
    void error_reported(const std::string& job, std::string_view severity);
    void admin_request(std::string_view route, unsigned status);
    // vaultkeeper_admin_denied_total{route,reason}: requests refused for their token (no_token,
    // unknown_token, missing_scope, job_not_allowed), by route template.
    void admin_denied(std::string_view route, std::string_view reason);
    // vaultkeeper_event_loop_lag_seconds: how late a 10 ms timer on the io thread fired (a busy cycle that
    // does not yield delays every request, lock renewal and timer by as much).
    void event_loop_lag(double seconds);
    // Removes the per-job series of a job that no longer exists (after a reload).
    void forget_job(const std::string& job, const std::string& kind);

    // Counters and gauges for job kinds (sync, keeper, ...), named by a family of the kind's
    // <kind>_metrics.hpp: created on first use; the label names are fixed by the first call.
    void counter_add(const family& f, const std::map<std::string, std::string>& labels, double value = 1.0);
    void gauge_set(const family& f, const std::map<std::string, std::string>& labels, double value);

    // Prometheus text exposition format 0.0.4.
    std::string serialize() const;
    prometheus::Registry& raw();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::metrics

#endif
