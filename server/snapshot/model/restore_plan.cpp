// The restore's one-pass / two-pass decision (see restore_plan.hpp).
#include "snapshot/model/restore_plan.hpp"

#include <algorithm>
#include <limits>

namespace vk::snapshot {

std::string_view to_string(restore_path p)
{
    return p == restore_path::one_pass ? "one-pass" : "two-pass";
}

std::uint64_t spool_bytes_needed(std::uint64_t stored_size, bool encrypted)
{
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    if (!encrypted)
        return stored_size;
    return stored_size > max / 2 ? max : 2 * stored_size;
}

restore_path choose_restore_path(std::uint64_t stored_size, bool encrypted, std::uint64_t spool_free,
                                 std::optional<std::uint64_t> spool_limit)
{
    const auto room = std::min(spool_free, spool_limit.value_or(spool_free));
    const auto needed = spool_bytes_needed(stored_size, encrypted);
    // Compared without adding, so a size near the type's limit cannot wrap round into "fits".
    const bool fits = room >= restore_spool_margin && room - restore_spool_margin >= needed;
    return fits ? restore_path::one_pass : restore_path::two_pass;
}

}  // namespace vk::snapshot
