#include "cloud/model/aws_refresh.hpp"

namespace vk::cloud::aws {

refresh_need needs_refresh(bool cached, std::optional<std::chrono::system_clock::time_point> expiration,
                           std::chrono::system_clock::time_point now, const refresh_windows& w,
                           std::optional<std::chrono::system_clock::time_point> advisory_failed)
{
    if (!cached)
        return refresh_need::mandatory;
    if (!expiration)
        return refresh_need::none;
    auto left = *expiration - now;
    if (left < w.mandatory)
        return refresh_need::mandatory;
    if (left < w.advisory)
        return advisory_failed && now - *advisory_failed < w.advisory / 10 ? refresh_need::none
                                                                           : refresh_need::advisory;
    return refresh_need::none;
}

bool expired(std::optional<std::chrono::system_clock::time_point> expiration,
             std::chrono::system_clock::time_point now)
{
    return expiration && *expiration <= now;
}

std::chrono::system_clock::time_point
local_expiration(std::chrono::system_clock::time_point expiration,
                 std::optional<std::chrono::system_clock::time_point> server_date,
                 std::chrono::system_clock::time_point now)
{
    // Below half a minute the difference is the Date header's one-second resolution and the network.
    if (!server_date || std::chrono::abs(*server_date - now) < std::chrono::seconds(30))
        return expiration;
    return expiration - (*server_date - now);
}

}  // namespace vk::cloud::aws
