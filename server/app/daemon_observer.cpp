// Job events -> metrics, webhook, halt_on_fatal.
#include "app/daemon_observer.hpp"

#include "core/log.hpp"
#include "core/time.hpp"

namespace vk::app {

daemon_observer::daemon_observer(metrics::registry& m, std::function<runtime::notifier*()> notifier,
                                 std::function<void(int)> request_shutdown, cycle_hook cycle_ended)
    : metrics_(m),
      notifier_(std::move(notifier)),
      request_shutdown_(std::move(request_shutdown)),
      cycle_ended_(std::move(cycle_ended))
{
}

void daemon_observer::on_state(const runtime::job& j)
{
    auto s = j.state();
    metrics_.job_up(j.name(), s == runtime::job_state::idle || s == runtime::job_state::running ||
                                  s == runtime::job_state::standby);
    using enum runtime::job_state;
    for (auto each : {idle, running, halted, failed, standby, stopped})
        metrics_.job_state(j.name(), runtime::to_string(each), each == s);
    metrics_.job_interval(j.name(), std::chrono::duration<double>(j.config().interval).count());
}

void daemon_observer::on_cycle_end(const runtime::job& j, const runtime::cycle_record& r)
{
    auto end = r.end.value_or(std::chrono::system_clock::now());
    double seconds = std::chrono::duration<double>(end - r.start).count();
    bool ok = r.outcome == runtime::cycle_outcome::ok;
    metrics_.cycle_ended(j.name(), j.kind(),
                         runtime::to_string(r.outcome.value_or(runtime::cycle_outcome::failed)), seconds, ok,
                         unix_seconds(end));
    if (cycle_ended_)
        cycle_ended_(j, r);
}

void daemon_observer::on_report(const runtime::job& j, const runtime::cycle_context& ctx, runtime::severity s,
                                const vk::error& e)
{
    metrics_.error_reported(j.name(), runtime::to_string(s));
    if (s == runtime::severity::alert)
    {
        if (auto* n = notifier_())
            n->notify({j.name(), ctx.id(), e.describe(), format_rfc3339(std::chrono::system_clock::now()),
                       "alert"});
        return;
    }
    if (s != runtime::severity::fatal)
        return;
    log::error("fatal error: job stopped until resumed",
               {{"job", j.name()}, {"cycle", std::to_string(ctx.id())}, {"error", e.describe()}});
    if (auto* n = notifier_())
        n->notify({j.name(), ctx.id(), e.describe(), format_rfc3339(std::chrono::system_clock::now())});
    if (j.config().halt_on_fatal)
        request_shutdown_(1);
}

void daemon_observer::on_background_error(const runtime::job& j, const vk::error& e,
                                          std::chrono::milliseconds retry_in)
{
    metrics_.error_reported(j.name(), "error");
    log::error(
        "background work of the job failed; restarting it",
        {{"job", j.name()}, {"error", e.describe()}, {"retry_in_ms", std::to_string(retry_in.count())}});
}

}  // namespace vk::app
