#include "snapshot/model/part_plan.hpp"

#include <algorithm>
#include <string>

namespace vk::snapshot {

std::uint64_t part_plan::length(std::uint64_t i, std::uint64_t file_size) const
{
    const auto start = offset(i);
    return start >= file_size ? 0 : std::min(part_size, file_size - start);
}

result<part_plan> plan_parts(const part_limits& limits, std::uint64_t file_size, std::uint64_t configured)
{
    constexpr std::uint64_t mib = 1ull << 20;
    if (file_size > limits.max_part * limits.max_parts)
        return make_error(errc::invalid_argument,
                          "a " + std::to_string(file_size) + "-byte file is over the " +
                              std::to_string(limits.max_parts) + " parts of at most " +
                              std::to_string(limits.max_part) + " bytes one object can take");
    part_plan p;
    p.part_size = std::clamp(configured, limits.min_part, limits.max_part);
    const auto needed = (file_size + limits.max_parts - 1) / limits.max_parts;
    if (needed > p.part_size)
        p.part_size = std::min((needed + mib - 1) / mib * mib, limits.max_part);
    p.count = file_size == 0 ? 1 : (file_size + p.part_size - 1) / p.part_size;
    return p;
}

}  // namespace vk::snapshot
