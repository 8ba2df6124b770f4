// The lease state machine (lease.hpp).
#include "emissary/model/lease.hpp"

#include "emissary/model/renewal.hpp"

namespace vk::emissary {
namespace {

// In milliseconds, so that the jitter spreads renewals of second-long TTLs too.
std::chrono::milliseconds delay(std::chrono::seconds ttl, double draw01)
{
    return renewal_delay(std::chrono::milliseconds(ttl), draw01);
}

}  // namespace

std::string_view to_string(lease_reason r)
{
    switch (r)
    {
    case lease_reason::scheduled: return "scheduled";
    case lease_reason::not_renewable: return "not renewable";
    case lease_reason::max_ttl: return "max TTL reached";
    case lease_reason::renew_failed: return "renewal failed";
    case lease_reason::token_changed: return "token changed";
    }
    return "unknown";
}

lease_schedule::lease_schedule(lease_info info, clock_time now, double draw01,
                               std::optional<std::chrono::seconds> increment)
    : info_(std::move(info)),
      increment_(increment.value_or(info_.duration))
{
    expires_ = now + info_.duration;
    due_ = now + delay(info_.duration, draw01);
    if (!info_.renewable)
    {
        action_ = lease_action::refetch;
        reason_ = lease_reason::not_renewable;
    }
}

void lease_schedule::renewed(std::optional<std::chrono::seconds> granted, clock_time now, double draw01)
{
    if (!granted)
    {
        action_ = lease_action::refetch;
        reason_ = lease_reason::renew_failed;
        due_ = now;
        return;
    }
    ++renewals_;
    info_.duration = *granted;
    expires_ = now + *granted;
    due_ = now + delay(*granted, draw01);
    if (*granted < increment_)
    {
        action_ = lease_action::refetch;
        reason_ = lease_reason::max_ttl;
    }
}

void lease_schedule::token_changed(clock_time now)
{
    action_ = lease_action::refetch;
    reason_ = lease_reason::token_changed;
    due_ = now;
}

bool revoke_now(bool revoke_old, bool rendered_since_replaced, bool command_pending)
{
    return revoke_old && rendered_since_replaced && !command_pending;
}

}  // namespace vk::emissary
