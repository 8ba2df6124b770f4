// Exponential backoff with jitter (see backoff.hpp).
#include "core/backoff.hpp"

#include <algorithm>

namespace vk {

std::chrono::milliseconds backoff_delay(const backoff& b, unsigned attempt, double unit_random) noexcept
{
    using std::chrono::milliseconds;
    auto step = std::min(b.base, b.cap);
    for (unsigned i = 0; i < attempt && step < b.cap; ++i)
        step = step > b.cap / 2 ? b.cap : step * 2;
    if (b.spread == jitter::none)
        return step;
    const double whole = static_cast<double>(step.count());
    const double least = b.spread == jitter::equal ? whole / 2 : 0.0;
    const double r = std::clamp(unit_random, 0.0, 1.0);
    return std::min(milliseconds(static_cast<long long>(least + (whole - least) * r)), step);
}

}  // namespace vk
