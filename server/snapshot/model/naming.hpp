// Snapshot object names: prefix + timestamp + suffix, and back. Retention only ever considers names this
// job's format produces, so other files in the same directory or bucket are never touched.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_NAMING_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_NAMING_HPP

#include "snapshot/model/settings.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::snapshot {

using system_time = std::chrono::system_clock::time_point;

// The finest time a name of style `s` carries: a millisecond (utc) or a nanosecond (unix_nano).
system_time::duration name_resolution(timestamp_style s);

// The time to name a snapshot taken at `now` after one named at `previous` (by this job): `now` cut to the
// style's resolution, or one step past `previous` when that would not be later. So names are unique and
// increase at any rate of cycles, and stay plain timestamps any reader parses (the Lucretius agent's too).
system_time next_name_time(timestamp_style s, system_time now, std::optional<system_time> previous);

// The name of a snapshot taken at `t` (utc: "2026-11-30T12-00-00.123Z", to the millisecond; unix_nano: to
// the nanosecond). Names of one style and format sort as strings in time order.
std::string snapshot_name(const name_format& f, system_time t);

// The time encoded in `name`, or nullopt when `name` is not one `f` produces (other prefix or suffix,
// malformed timestamp, a path separator). utc also reads the whole-second names of earlier versions
// ("2026-11-30T12-00-00Z").
std::optional<system_time> parse_snapshot_name(const name_format& f, std::string_view name);

// The indexes of the names in `names` that `f` produces, newest first (ties by name, descending), so an
// order never depends on how a storage happened to list them.
std::vector<std::size_t> newest_first(const std::vector<std::string>& names, const name_format& f);

}  // namespace vk::snapshot

#endif
