// GCRA form of the token bucket: one time point instead of a token count and a refill clock.
#include "core/token_bucket.hpp"

#include <algorithm>

namespace vk {

token_bucket::token_bucket(double rate, double burst)
    : rate_(rate)
{
    if (rate_ <= 0)
        return;
    interval_ = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / rate_));
    burst_span_ = std::chrono::duration_cast<clock::duration>(interval_ * std::max(1.0, burst));
}

token_bucket::clock::duration token_bucket::reserve(clock::time_point now)
{
    if (unlimited())
        return clock::duration::zero();
    // Idle time refills at most `burst` tokens: the schedule never lags `now` by more than the burst span.
    next_free_ = std::max(next_free_, now - burst_span_ + interval_);
    clock::time_point slot = next_free_;
    next_free_ += interval_;
    return slot > now ? slot - now : clock::duration::zero();
}

}  // namespace vk
