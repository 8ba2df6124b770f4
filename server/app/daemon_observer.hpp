// Turns job events into metrics, fatal-error notifications, the halt_on_fatal shutdown request, and cycle
// ends for the audit trail (the outcome of a change a cycle carried out).
#ifndef VAULTKEEPER_SERVER_APP_DAEMON_OBSERVER_HPP
#define VAULTKEEPER_SERVER_APP_DAEMON_OBSERVER_HPP

#include <functional>

#include "metrics/registry.hpp"
#include "runtime/job.hpp"
#include "runtime/notifier.hpp"

namespace vk::app {

class daemon_observer final : public runtime::job_observer
{
public:
    using cycle_hook = std::function<void(const runtime::job&, const runtime::cycle_record&)>;
    daemon_observer(metrics::registry& m, std::function<runtime::notifier*()> notifier,
                    std::function<void(int exit_code)> request_shutdown, cycle_hook cycle_ended = nullptr);

    void on_state(const runtime::job& j) override;
    void on_cycle_end(const runtime::job& j, const runtime::cycle_record& r) override;
    void on_report(const runtime::job& j, const runtime::cycle_context& ctx, runtime::severity s,
                   const vk::error& e) override;
    // Counted as an error of the job (vaultkeeper_errors_total{severity="error"}) and logged.
    void on_background_error(const runtime::job& j, const vk::error& e,
                             std::chrono::milliseconds retry_in) override;

private:
    metrics::registry& metrics_;
    std::function<runtime::notifier*()> notifier_;
    std::function<void(int)> request_shutdown_;
    cycle_hook cycle_ended_;
};

}  // namespace vk::app

#endif
