// Retention decisions (see retention.hpp).
#include "snapshot/model/retention.hpp"

namespace vk::snapshot {

retention_plan plan_retention(const std::vector<std::string>& names, const name_format& f, const retention& r,
                              system_time now)
{
    const auto order = newest_first(names, f);
    retention_plan plan;
    for (std::size_t i = 0; i < order.size(); ++i)
    {
        const auto& name = names[order[i]];
        const bool over_count = r.retain > 0 && i >= r.retain;
        const bool too_old = r.max_age && *parse_snapshot_name(f, name) < now - *r.max_age;
        if (i > 0 && (over_count || too_old))
            plan.remove.push_back(name);
        else
            plan.keep.push_back(name);
    }
    return plan;
}

}  // namespace vk::snapshot
