#include "sync/model/cycle_plan.hpp"

#include "sync/model/approval_gate.hpp"

namespace vk::sync {

std::string delete_plan_id(const std::vector<task>& deletes)
{
    std::vector<std::string> paths;
    paths.reserve(deletes.size());
    for (const auto& t : deletes)
        paths.emplace_back(t.path);
    return plan_id(std::move(paths));
}

cycle_plan plan_cycle(diff_result&& diff, std::size_t synced, const plan_options& opts)
{
    auto append = [](std::vector<task>& to, std::vector<task>& from) {
        to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
        from.clear();
    };
    cycle_plan p;
    p.removed_paths = std::move(diff.removed_paths);
    p.run = std::move(diff.add);
    p.run.reserve(p.run.size() + diff.update.size() + diff.remove.size());
    append(p.run, diff.update);
    const std::size_t deletes = diff.remove.size();
    if (deletes == 0)
        return p;
    if (opts.ignore_deletes)
    {
        p.ignored_deletes = deletes;
        return p;
    }
    auto guard = guard_deletes(deletes, synced, opts.max_delete_percent);
    p.delete_percent = guard.percent;
    if (guard.hold)
        p.delete_plan = delete_plan_id(diff.remove);
    if (guard.hold && p.delete_plan != opts.approved_plan)
    {
        p.held_deletes = deletes;
        return p;
    }
    p.approval_used = guard.hold;
    append(p.run, diff.remove);
    return p;
}

error deletes_held_alert(const cycle_plan& plan, std::size_t synced)
{
    return held_alert("deletion guard: " + std::to_string(plan.held_deletes) + " deletes (" +
                          std::to_string(static_cast<int>(plan.delete_percent + 0.5)) + "% of " +
                          std::to_string(synced) + " synced secrets) are held",
                      plan.delete_plan);
}

result<void> align_destination(std::optional<sync_info>& stored, std::size_t origin_buckets)
{
    if (stored && stored->bucket_count() == origin_buckets)
    {
        stored->reindex();
        return {};
    }
    auto aligned = stored ? rebucket(*stored, origin_buckets) : sync_info::create(origin_buckets);
    if (!aligned)
        return aligned.error();
    stored = std::move(*aligned);
    return {};
}

}  // namespace vk::sync
