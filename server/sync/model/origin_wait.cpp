#include "sync/model/origin_wait.hpp"

namespace vk::sync {

wait_verdict note_origin_absent(origin_wait& w, origin_wait::time_point now, std::chrono::milliseconds grace)
{
    if (!w.since)
        w.since = now;
    if (w.alerted || now - *w.since <= grace)
        return wait_verdict::waiting;
    w.alerted = true;
    return wait_verdict::alert_overdue;
}

void note_origin_present(origin_wait& w) noexcept
{
    w = origin_wait{};
}

}  // namespace vk::sync
