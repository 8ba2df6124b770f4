// A destination started before its origin ever published (issue 19): waiting for that first publish is a
// state of the job, not a failed cycle. It becomes an alert, once, when it lasts longer than `origin_grace`.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_ORIGIN_WAIT_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_ORIGIN_WAIT_HPP

#include <chrono>
#include <optional>

namespace vk::sync {

inline constexpr std::chrono::milliseconds default_origin_grace = std::chrono::minutes(10);

struct origin_wait
{
    using time_point = std::chrono::system_clock::time_point;
    std::optional<time_point> since;  // the first cycle that found no origin index; empty once it appeared
    bool alerted = false;             // the overdue alert of this wait went out

    bool waiting() const noexcept { return since.has_value(); }
};

// What a cycle that found no origin index does: wait quietly, or raise the one alert of this wait.
enum class wait_verdict
{
    waiting,        // within the grace, or already alerted: an ok cycle that says it waits
    alert_overdue,  // the grace has run out just now: alert once, then keep waiting
};

// A cycle found no origin index at `now`.
wait_verdict note_origin_absent(origin_wait& w, origin_wait::time_point now, std::chrono::milliseconds grace);

// A cycle found the origin index: the wait is over (a later disappearance starts a new one).
void note_origin_present(origin_wait& w) noexcept;

}  // namespace vk::sync

#endif
