// The destination's decision for one cycle: which diff tasks to run, given ignore_deletes, the deletion
// guard and an operator's approval; and how a stored destination info is aligned with the origin's
// bucket count before the diff.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_CYCLE_PLAN_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_CYCLE_PLAN_HPP

#include "core/error.hpp"
#include "sync/model/diff.hpp"
#include "sync/model/sync_info.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace vk::sync {

struct plan_options
{
    bool ignore_deletes = false;
    double max_delete_percent = default_max_delete_percent;
    std::string approved_plan;  // the plan id of the delete set an operator approved ("" none; approval.hpp)
};

// Move-only, as the diff it takes its tasks (and the storage of their delete paths) from.
struct cycle_plan
{
    cycle_plan() = default;
    cycle_plan(cycle_plan&&) = default;
    cycle_plan& operator=(cycle_plan&&) = default;
    cycle_plan(const cycle_plan&) = delete;
    cycle_plan& operator=(const cycle_plan&) = delete;

    std::vector<task> run;            // adds, then updates, then the deletes allowed
    std::size_t held_deletes = 0;     // deletes the guard held (0 when none)
    std::size_t ignored_deletes = 0;  // deletes skipped by ignore_deletes (recomputed every cycle, as vsync)
    double delete_percent = 0.0;
    bool approval_used = false;  // the approval let this cycle's deletes through
    std::string delete_plan;     // plan_id of this cycle's deletes when the guard stops them ("" otherwise)
    std::deque<std::string> removed_paths;  // what the delete tasks' paths view (diff_result's)
};

// `synced` is the number of secrets the destination holds in its info. An approval releases exactly the
// delete set whose plan id it names (issue 10), never a later set of the same size. The diff's tasks are
// moved into the plan (a full copy of 100,000 tasks costs ~20 MB at the peak of a first sync).
cycle_plan plan_cycle(diff_result&& diff, std::size_t synced, const plan_options& opts);

// The alert of deletes the guard held this cycle (plan.held_deletes > 0) out of `synced` secrets.
error deletes_held_alert(const cycle_plan& plan, std::size_t synced);

// plan_id over the paths of delete tasks.
std::string delete_plan_id(const std::vector<task>& deletes);

// Makes `stored` the destination info to diff against, in place: empty (origin's bucket count) when none is
// stored yet, re-bucketed when its bucket count differs from the origin's, else as is (reindexed).
result<void> align_destination(std::optional<sync_info>& stored, std::size_t origin_buckets);

}  // namespace vk::sync

#endif
