// The decisions around a Consul lock that are not I/O: what the key's value holds, when a holder that cannot
// renew must count its lock as lost, and what a replica that does not hold the lock can tell about the one
// that does.
#ifndef VAULTKEEPER_SERVER_CORE_LOCK_WATCH_HPP
#define VAULTKEEPER_SERVER_CORE_LOCK_WATCH_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vk {

using lock_clock = std::chrono::steady_clock;

// The lock key's value: {"holder": <name>, "beat": <n>}. The holder rewrites it with the next beat at every
// renewal of its session, so the others see it alive: Consul does not show renewals.
std::string encode_lock_value(std::string_view holder, std::uint64_t beat);
// The holder's name in a value; a value encode_lock_value did not write (another tool's) is a name as is.
std::string holder_in_lock_value(std::string_view value);

// When a holder whose renewals fail counts its lock as lost: 3/4 of the session TTL after the last renewal
// that succeeded was *sent* (Consul restarted the TTL when it received it, later). Consul never frees the key
// before one TTL after that, which leaves a quarter of the TTL to cancel what the lock guards.
lock_clock::time_point loss_deadline(lock_clock::time_point last_renewal_sent, lock_clock::duration ttl);

enum class lock_state
{
    held,     // this replica holds the lock
    unheld,   // it does not: another replica does (named), or nobody does, or Consul cannot be read
    expiring  // another replica's session holds the key but has stopped renewing: free once Consul expires it
};

std::string_view to_string(lock_state s);

struct lock_view
{
    lock_state state = lock_state::unheld;
    std::string holder;       // held: us; unheld: the holder if known, "" when free or unknown
    std::string waiting_for;  // expiring: the replica whose session must expire
};

// The replicas sharing the jobs, as this one sees them (GET /v1/ha).
struct ha_replicas_view
{
    std::string replica_id;
    std::string locks;  // where the locks are
    bool balance = true;
    std::size_t jobs = 0;
    // Each live replica and how many jobs it holds; nullopt until they could be listed.
    std::optional<std::map<std::string, std::size_t>> replicas;
};

// What a replica that does not hold the lock saw of its key (blocking reads). A live holder rewrites the key
// at least every half TTL, so one TTL without a change means it missed a renewal: it is dead, or cut off from
// Consul and about to count the lock as lost (loss_deadline).
class holder_watch
{
public:
    explicit holder_watch(lock_clock::duration ttl)
        : ttl_(ttl)
    {
    }

    // The key as read at `now`: the session holding it ("" when free or absent), its value, its ModifyIndex.
    void saw(std::string_view session, std::string_view value, std::uint64_t modify_index,
             lock_clock::time_point now);
    // The key could not be read (or we hold it now): nothing known.
    void forget();
    // unheld or expiring (never held: that is the lock's own knowledge).
    lock_view view(lock_clock::time_point now) const;

private:
    lock_clock::duration ttl_;
    std::string session_;  // the holder's session, "" when free or unknown
    std::string holder_;
    std::uint64_t index_ = 0;
    lock_clock::time_point changed_{};  // when index_ was first seen
};

}  // namespace vk

#endif
