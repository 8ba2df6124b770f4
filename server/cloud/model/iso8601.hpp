// ISO 8601 UTC times as the cloud APIs write them ("2026-11-30T12:00:00Z", "...:00.000Z"): S3 listings,
// STS and instance-metadata Expiration; and HTTP Date headers (clock skew).
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_ISO8601_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_ISO8601_HPP

#include <chrono>
#include <optional>
#include <string_view>

namespace vk::cloud {

// "2026-11-30T12:00:00.000Z" (fraction optional, UTC "Z" only); nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s);
// An HTTP Date header (RFC 9110 IMF-fixdate, "Sat, 05 Dec 2026 14:28:00 GMT"); nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s);

}  // namespace vk::cloud

#endif
