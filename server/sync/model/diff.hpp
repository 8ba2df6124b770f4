// The destination's diff, with vsync's Compare/CompareBuckets semantics, and the deletion guard decision.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_DIFF_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_DIFF_HPP

#include "core/error.hpp"
#include "sync/model/insight.hpp"
#include "sync/model/sync_info.hpp"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

enum class task_op
{
    add,
    update,
    remove,  // vsync's "delete"
};

// "add", "update", "delete" (vsync's Op strings).
std::string_view to_string(task_op op) noexcept;

// One thing to do on the destination: `path` is the origin data path, a view (see diff_result). The
// insight an add or update records is the origin info's for that path (looked up when the task runs: a
// million tasks of a first copy carry 24 bytes each, not a copy of every insight).
struct task
{
    std::string_view path;
    task_op op = task_op::add;
    bool operator==(const task&) const = default;
};

// Each list sorted by path. `warnings` are the non-fatal updateTime parse failures vsync also reports.
// The paths of adds and updates are views into the origin info compared, valid while it is unchanged;
// those of deletes point into `removed_paths` (the destination info they come from changes while the
// tasks run). Move-only: a copy's delete paths would point into the original.
struct diff_result
{
    diff_result() = default;
    diff_result(diff_result&&) = default;
    diff_result& operator=(diff_result&&) = default;
    diff_result(const diff_result&) = delete;
    diff_result& operator=(const diff_result&) = delete;

    std::vector<task> add;
    std::vector<task> update;
    std::vector<task> remove;
    std::vector<std::string> warnings;
    std::deque<std::string> removed_paths;  // a deque: its strings never move once added

    bool empty() const noexcept { return add.empty() && update.empty() && remove.empty(); }
    std::size_t size() const noexcept { return add.size() + update.size() + remove.size(); }
};

// Whether an origin insight must be copied over the destination's record of the same path:
// - types differ -> update; origin version higher -> update;
// - kvV1 (our extension, see sync/kv_v1.hpp): update whenever the insights differ, since version and
//   updateTime there carry a content hash, not an order;
// - otherwise, when not equal, update iff origin updateTime is after the destination's (RFC3339Nano; an
//   unparsable time is Go's zero time and adds a warning naming the path).
bool needs_update(std::string_view path, insight_view origin, insight_view dest,
                  std::vector<std::string>& warnings);

// vsync's CompareBuckets for one bucket pair, appending (unsorted across calls) to out. out's add/update
// paths view `origin`.
void compare_buckets(const bucket& origin, const bucket& dest, diff_result& out);

// vsync's Compare: only buckets whose index hashes differ are compared entry by entry; lists are sorted.
// Both infos must be reindexed. errc::invalid_argument when the bucket counts differ (the shell adopts the
// origin's count first, see rebucket()) or when an info has changes not yet reindexed.
result<diff_result> compare(const sync_info& origin, const sync_info& dest);

// compare() in steps, for a shell that yields between buckets: check_comparable, begin_diff, then
// compare_buckets for every bucket i where bucket_differs; sort_diff orders the lists as compare() does
// (a cycle does without: it runs tasks in bucket order, and a plan id sorts its own paths).
result<void> check_comparable(const sync_info& origin, const sync_info& dest);
diff_result begin_diff(const sync_info& origin, const sync_info& dest);  // adds reserved
bool bucket_differs(const sync_info& origin, const sync_info& dest, std::size_t i);
void sort_diff(diff_result& d);

inline constexpr double default_max_delete_percent = 20.0;

struct delete_guard
{
    bool hold = false;     // true: skip this cycle's deletes and alert
    double percent = 0.0;  // deletes as a percentage of the secrets synced so far
};

// Holds deletes when they exceed max_delete_percent of the destination's synced secrets (a shrunken origin
// walk, vsync issues #27/#40, must not wipe a region). Deletes with nothing synced count as 100%.
delete_guard guard_deletes(std::size_t deletes, std::size_t synced,
                           double max_delete_percent = default_max_delete_percent) noexcept;

}  // namespace vk::sync

#endif
