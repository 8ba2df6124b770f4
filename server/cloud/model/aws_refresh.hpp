// When temporary credentials are refreshed, as botocore's RefreshableCredentials does it: less than the
// advisory window (15 min) to Expiration, a refresh is tried and its failure keeps the current credentials;
// less than the mandatory window (10 min), a refresh must succeed or the caller gets the error.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_REFRESH_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_REFRESH_HPP

#include <chrono>
#include <optional>

namespace vk::cloud::aws {

struct refresh_windows
{
    std::chrono::seconds advisory{15 * 60};
    std::chrono::seconds mandatory{10 * 60};
};

enum class refresh_need
{
    none,       // use the cached credentials
    advisory,   // refresh; on failure keep the cached ones
    mandatory,  // refresh; on failure fail (also: nothing cached yet)
};

// `cached` false: nothing fetched yet (mandatory). No expiration: static keys (none). After an advisory
// refresh failed at `advisory_failed`, the next advisory try waits a tenth of the advisory window (so a
// failing STS is not called again for every request); mandatory refreshes never wait.
refresh_need
needs_refresh(bool cached, std::optional<std::chrono::system_clock::time_point> expiration,
              std::chrono::system_clock::time_point now, const refresh_windows& w,
              std::optional<std::chrono::system_clock::time_point> advisory_failed = std::nullopt);

// True when credentials are past their Expiration (a refresh that answers such is an error, as in botocore).
bool expired(std::optional<std::chrono::system_clock::time_point> expiration,
             std::chrono::system_clock::time_point now);

// Expiration on our clock: a server whose clock is off by (Date - now) writes Expiration on its own clock,
// so the same offset is taken back. Without a Date, or with one less than 30 s off, the Expiration is used as
// written.
std::chrono::system_clock::time_point
local_expiration(std::chrono::system_clock::time_point expiration,
                 std::optional<std::chrono::system_clock::time_point> server_date,
                 std::chrono::system_clock::time_point now);

}  // namespace vk::cloud::aws

#endif
