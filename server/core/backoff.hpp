// Exponential backoff with jitter, one formula for every caller (the HTTP client's retries, a job's
// background restarts, the emissary's polls). Pure: the randomness comes in as an argument, so a delay is
// a function of its inputs and tests can name it exactly.
#ifndef VAULTKEEPER_SERVER_CORE_BACKOFF_HPP
#define VAULTKEEPER_SERVER_CORE_BACKOFF_HPP

#include <chrono>

namespace vk {

// How much of a step is left to chance.
enum class jitter
{
    none,   // the step itself
    full,   // uniform in [0, step): callers spread out the most (AWS "full jitter")
    equal,  // uniform in [step/2, step]: spread out, but never sooner than half the step
};

struct backoff
{
    std::chrono::milliseconds base{1000};  // the step of attempt 0
    std::chrono::milliseconds cap{60000};  // no step is longer (a base above it is cut to it)
    jitter spread = jitter::none;
};

// The delay before retry number `attempt` (0 = the first): the step min(cap, base * 2^attempt), drawn
// according to `b.spread` from `unit_random` in [0, 1) (clamped to [0, 1]; 1 gives the whole step), rounded
// down to whole milliseconds. Doubling stops at the cap, so no attempt count overflows.
std::chrono::milliseconds backoff_delay(const backoff& b, unsigned attempt, double unit_random) noexcept;

}  // namespace vk

#endif
