// Retention: given what a storage holds and the time, which snapshots to delete. Only names of this job's
// format count (other objects are never touched); they are ordered by the time in their name.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RETENTION_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_RETENTION_HPP

#include "snapshot/model/naming.hpp"

#include <string>
#include <vector>

namespace vk::snapshot {

struct retention_plan
{
    std::vector<std::string> keep;    // newest first
    std::vector<std::string> remove;  // newest first
};

// Keeps the newest `retain` (0 = any number) that are not older than `max_age` at `now`; the newest snapshot
// is always kept, so a storage never ends up empty because snapshots stopped for a while.
retention_plan plan_retention(const std::vector<std::string>& names, const name_format& f, const retention& r,
                              system_time now);

}  // namespace vk::snapshot

#endif
