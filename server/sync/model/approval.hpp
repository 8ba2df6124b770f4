// Operator approvals of held changes (issue 10): deletes the destination's guard holds, and an origin walk
// that shrank too much to publish. An approval names a plan id, the digest of the exact held set of paths,
// releases only that set, and expires unused after approval_ttl.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_APPROVAL_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_APPROVAL_HPP

#include "core/error.hpp"
#include "sync/model/sync_info.hpp"

#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

using wall_clock = std::chrono::system_clock;

inline constexpr std::chrono::milliseconds default_approval_ttl = std::chrono::hours(1);
inline constexpr double default_max_publish_drop_percent = 20.0;

// Lower-case hex SHA-256 of the paths, sorted, one per line: the same set gives the same
// id whatever the order it was found in; any added or removed path changes it.
std::string plan_id(std::vector<std::string> paths);

// An operator's approval of one plan id, given at `at`.
struct approval
{
    std::string plan;
    wall_clock::time_point at;
};

// The plan id of a POST approve-deletes body {"plan": "<id>"}. errc::bad_request naming /plan when the body
// is not an object, the field is missing or not a non-empty string.
result<std::string> parse_approval(const boost::json::value& body);

// Accepts `requested` when it is the id of what is held now (`held`: "" when nothing is held).
// errc::conflict when nothing is held, or when the held set changed (the message gives the current id).
result<approval> accept_approval(std::string_view requested, std::string_view held,
                                 wall_clock::time_point now);

// True when `a` is unused-but-live at `now` (given less than `ttl` ago) and approves exactly `plan`.
bool approval_releases(const std::optional<approval>& a, std::string_view plan, wall_clock::time_point now,
                       std::chrono::milliseconds ttl);

// True when `a` has expired at `now` (drop it).
bool approval_expired(const std::optional<approval>& a, wall_clock::time_point now,
                      std::chrono::milliseconds ttl);

// The origin's publish guard: a walk that lost more than max_drop_percent of the last published insights
// (a vanished mount, a wrong token policy) is held instead of being published as mass deletes.
struct publish_guard
{
    bool hold = false;
    double percent = 0.0;  // the drop, as a percentage of the last published count (0 when it grew)
};
publish_guard guard_publish(std::size_t published, std::size_t walked, double max_drop_percent) noexcept;

// The same over two infos of one bucket count, leaving out the buckets whose published content is `unknown`
// (torn by a save that did not complete: what destinations saw there cannot be told); totals otherwise.
publish_guard guard_publish(const sync_info& published, const sync_info& walked,
                            const std::vector<std::size_t>& unknown, double max_drop_percent);

// The paths of `before` that `after` lacks, sorted.
std::vector<std::string> vanished_paths(const sync_info& before, const sync_info& after);

}  // namespace vk::sync

#endif
