// Backoff, classification and the command window.
#include "emissary/model/policy.hpp"

#include "core/backoff.hpp"

#include <algorithm>

namespace vk::emissary {

fetch_class classify(errc code)
{
    switch (code)
    {
    case errc::not_found: return fetch_class::missing;
    case errc::permission_denied:
    case errc::bad_request:
    case errc::invalid_argument:
    case errc::too_large: return fetch_class::permanent;
    default: return fetch_class::transient;
    }
}

milliseconds retry_delay(const backoff_policy& p, unsigned attempt, fetch_class c, double random01)
{
    const auto cap = std::max(p.max, p.initial);
    if (c == fetch_class::permanent)
        return cap;
    return backoff_delay({p.initial, cap, jitter::equal}, attempt, random01);
}

void command_window::changed(clock_time now)
{
    const milliseconds max = w_.max.count() > 0 ? w_.max : 4 * w_.min;
    if (!first_)
        first_ = now;
    due_ = std::min(now + w_.min, *first_ + max);
}

bool command_window::take(clock_time now)
{
    if (!due_ || now < *due_)
        return false;
    due_.reset();
    first_.reset();
    return true;
}

}  // namespace vk::emissary
