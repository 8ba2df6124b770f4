// A virtual-time token bucket: next_free_ advances by one spacing per request and may lag `now` by at most
// a burst (one second's worth of requests), which is the budget saved up while idle.
#include "emissary/model/request_budget.hpp"

#include <algorithm>

namespace vk::emissary {

void request_budget::set_rate(double per_second)
{
    per_second_ = per_second > 0 ? per_second : 1.0;
    spacing_ =
        std::chrono::duration_cast<clock_time::duration>(std::chrono::duration<double>(1.0 / per_second_));
}

clock_time request_budget::take(clock_time now)
{
    // A full bucket holds one second's worth: `rate` requests at once, the next one a spacing later.
    const auto burst = std::chrono::duration_cast<clock_time::duration>(std::chrono::seconds(1)) - spacing_;
    next_free_ = std::max(next_free_, now - burst);
    const auto at = std::max(next_free_, now);
    next_free_ += spacing_;
    return at;
}

}  // namespace vk::emissary
