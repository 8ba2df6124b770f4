// Snapshot object names: prefix + timestamp + suffix, and back. Retention only ever considers names this
// job's format produces, so other files in the same directory or bucket are never touched.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_NAMING_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_NAMING_HPP

#include "snapshot/model/settings.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vk::snapshot {

using system_time = std::chrono::system_clock::time_point;

// The name of a snapshot taken at `t` (UTC style: to the second; unix_nano: to the nanosecond).
std::string snapshot_name(const name_format& f, system_time t);

// The time encoded in `name`, or nullopt when `name` is not one `f` produces (other prefix or suffix,
// malformed timestamp, a path separator).
std::optional<system_time> parse_snapshot_name(const name_format& f, std::string_view name);

}  // namespace vk::snapshot

#endif
