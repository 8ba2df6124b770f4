// The life of one Vault lease held by an emissary job, as a pure state machine: when to renew it, what a
// renewal's answer means, and when a replaced lease may be revoked. Times are steady-clock points passed
// in, random draws too; no I/O. The shell (emissary/leases.cpp) does the requests and calls these.
//
//   answered ──> renew at ~2/3 of the TTL (renewal_delay) ──> granted the increment asked: renew again
//      │                                                  ├─> granted less: the max TTL is near; re-fetch
//      │                                                  │   at ~2/3 of what remains
//      │                                                  └─> failed: re-fetch at once
//      └─ not renewable: re-fetch at ~2/3 of the TTL
// Vault's creds answers carry no max TTL, so "granted < asked" is the only sign of it.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_LEASE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_LEASE_HPP

#include "emissary/model/policy.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vk::emissary {

// What a Vault answer says about its lease.
struct lease_info
{
    std::string id;  // "" = the answer is not leased (a plain read through a dynamic source)
    std::chrono::seconds duration{};
    bool renewable = false;
    bool operator==(const lease_info&) const = default;
};

enum class lease_action
{
    renew,    // PUT sys/leases/renew {lease_id, increment}
    refetch,  // read the path again: a new secret, a new lease
};

enum class lease_reason
{
    scheduled,  // renew at the renewal point
    not_renewable,
    max_ttl,        // a renewal granted less than asked
    renew_failed,   // the renewal was refused or did not answer
    token_changed,  // the job logged in again: leases die with the token that created them
};
std::string_view to_string(lease_reason r);

// One lease being kept alive.
class lease_schedule
{
public:
    // A lease answered (or last renewed) at `issued`; `draw01` is the jitter of its next renewal. A lease
    // restored from the state file passes the increment its renewals ask for (default: its duration).
    lease_schedule(lease_info info, clock_time issued, double draw01,
                   std::optional<std::chrono::seconds> increment = std::nullopt);

    const lease_info& info() const { return info_; }
    lease_action action() const { return action_; }
    lease_reason reason() const { return reason_; }
    clock_time due() const { return due_; }
    // When the lease runs out (as of its last answer).
    clock_time expires() const { return expires_; }
    std::chrono::seconds increment() const { return increment_; }
    std::uint64_t renewals() const { return renewals_; }

    // A renewal answered `granted` seconds at `now` (nullopt: it failed).
    void renewed(std::optional<std::chrono::seconds> granted, clock_time now, double draw01);
    // The token that created the lease is gone: re-fetch at once.
    void token_changed(clock_time now);

private:
    lease_info info_;
    std::chrono::seconds increment_;  // what each renewal asks for: the lease's first TTL
    lease_action action_ = lease_action::renew;
    lease_reason reason_ = lease_reason::scheduled;
    clock_time due_{};
    clock_time expires_{};
    std::uint64_t renewals_ = 0;
};

// A replaced lease is revoked once its replacement is in use: after the command ran (nothing pending in the
// command's window) or, without a command, after the renders that followed the re-fetch.
bool revoke_now(bool revoke_old, bool rendered_since_replaced, bool command_pending);

}  // namespace vk::emissary

#endif
