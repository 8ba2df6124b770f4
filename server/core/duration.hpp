// Go-style duration strings ("30s", "1m", "1h30m", "250ms") to std::chrono and back.
#ifndef VAULTKEEPER_SERVER_CORE_DURATION_HPP
#define VAULTKEEPER_SERVER_CORE_DURATION_HPP

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vk {

using duration = std::chrono::milliseconds;

// Parses a sequence of <number><unit> with units h, m, s, ms (e.g. "1h30m", "1.5s", "0").
// Returns nullopt for anything else (empty, negative, unknown unit, overflow).
std::optional<duration> parse_duration(std::string_view text);

// The shortest Go-style rendering: 90000ms -> "1m30s", 250ms -> "250ms", 0 -> "0s".
std::string format_duration(duration d);

}  // namespace vk

#endif
