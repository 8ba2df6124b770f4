// Retention decisions (see retention.hpp).
#include "snapshot/model/retention.hpp"

#include <algorithm>

namespace vk::snapshot {

retention_plan plan_retention(const std::vector<std::string>& names, const name_format& f, const retention& r,
                              system_time now)
{
    std::vector<std::pair<system_time, const std::string*>> ours;
    for (const auto& n : names)
        if (auto t = parse_snapshot_name(f, n))
            ours.emplace_back(*t, &n);
    // Newest first; ties by name so the plan does not depend on the listing order.
    std::sort(ours.begin(), ours.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : *a.second > *b.second;
    });
    retention_plan plan;
    for (std::size_t i = 0; i < ours.size(); ++i)
    {
        const bool over_count = r.retain > 0 && i >= r.retain;
        const bool too_old = r.max_age && ours[i].first < now - *r.max_age;
        if (i > 0 && (over_count || too_old))
            plan.remove.push_back(*ours[i].second);
        else
            plan.keep.push_back(*ours[i].second);
    }
    return plan;
}

}  // namespace vk::snapshot
