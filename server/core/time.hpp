// RFC 3339 timestamps (UTC, millisecond precision) for API answers, webhook payloads and logs.
#ifndef VAULTKEEPER_SERVER_CORE_TIME_HPP
#define VAULTKEEPER_SERVER_CORE_TIME_HPP

#include <chrono>
#include <cstdint>
#include <string>

namespace vk {

// "2026-11-24T04:32:58.123Z"
std::string format_rfc3339(std::chrono::system_clock::time_point t);
double unix_seconds(std::chrono::system_clock::time_point t);
// Whole seconds since the Unix epoch now (record and state-file timestamps).
std::int64_t unix_now();

}  // namespace vk

#endif
