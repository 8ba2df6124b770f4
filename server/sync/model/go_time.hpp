// RFC3339Nano parsing as Go's time.Parse(time.RFC3339Nano, s) accepts it, reduced to an instant that
// compares like time.Time.After; an unparsable text is Go's zero time plus a flag.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_GO_TIME_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_GO_TIME_HPP

#include <compare>
#include <cstdint>
#include <string_view>

namespace vk::sync {

// Seconds since the Unix epoch (UTC) plus nanoseconds; ordered like Go's time.Time.
struct go_instant
{
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;
    auto operator<=>(const go_instant&) const = default;
};

// Go's zero time.Time, 0001-01-01T00:00:00Z: what vsync's diff compares with after a failed parse.
go_instant go_zero_time() noexcept;

struct parsed_time
{
    go_instant instant;  // go_zero_time() when !ok
    bool ok = false;
};

// "YYYY-MM-DDTHH:MM:SS[.frac]Z" or with "+hh:mm"/"-hh:mm". Like Go: the fraction is optional with any
// number of digits (beyond 9 truncated), the date must exist, hour < 24, minute and second < 60, the offset
// hour < 24 and minute < 60; 'T' and 'Z' are upper case only.
parsed_time parse_rfc3339_nano(std::string_view s) noexcept;

}  // namespace vk::sync

#endif
