// The Consul lock recipe (api/lock.go) as one awaitable: a TTL session renewed at TTL/2, acquire with the
// lock flag, lock-delay respected, loss detected by a blocking watch on the key or by renewals failing until
// 3/4 of the TTL (core/lock_watch.hpp), release on cancellation. The holder rewrites the key's value at every
// renewal, so the replicas waiting for it can tell a live holder from a dead one.
#ifndef VAULTKEEPER_SERVER_CONSUL_LOCK_HPP
#define VAULTKEEPER_SERVER_CONSUL_LOCK_HPP

#include "consul/client.hpp"
#include "core/lock_watch.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace vk::consul {

// The flag Consul's Go lock sets on its keys; a key with other flags is not a lock (ErrLockConflict).
inline constexpr std::uint64_t lock_flag = 0x2ddccbc058a50c18ULL;

struct lock_params
{
    std::string key;
    std::string value;                            // who holds it while held (e.g. replica id), with a beat
    std::chrono::seconds ttl{15};                 // session TTL, 10 s .. 24 h
    std::chrono::milliseconds lock_delay{15000};  // Consul's lock-delay after the session is invalidated
    std::chrono::milliseconds retry_delay{
        5000};  // wait after a refused acquire (lock-delay) or a Consul error
    std::string session_name = "Consul API Lock";
    // What Consul does to the key when the session ends: "release" (the lock recipe) or "delete".
    std::string session_behavior = "release";
    // Asked before each attempt on a free key (HA balancing); false: look again after retry_delay.
    std::function<bool()> may_acquire;
};

class lock
{
public:
    // `c` must outlive run().
    lock(client& c, lock_params p);

    // Runs until terminal cancellation. Repeatedly: creates a session (renewed every TTL/2, 1 s after a
    // failure), waits until the key is free, acquires it; then calls on_acquired() and watches it. The lock
    // counts as lost when a renewal answers "not found", when no renewal succeeded by loss_deadline() (3/4
    // TTL after the last good one was sent), when the watched key is gone or names another session, or when
    // the watch failed for a whole TTL. Then on_lost() is awaited (stop what the lock guards) before the
    // session is destroyed (which would free the key) and everything starts over with a new session. A
    // refused acquire on a free key is Consul's lock-delay: retried after retry_delay. On cancellation:
    // releases the key if held, destroys the session (each bounded by 5 s), returns; no callback is called
    // then: whoever cancels stops what the lock guards first. Callbacks run on the caller's executor and must
    // not throw. Consul errors are logged and retried, never returned.
    boost::asio::awaitable<void> run(std::function<void()> on_acquired,
                                     std::function<boost::asio::awaitable<void>()> on_lost);

    bool held() const noexcept { return held_; }
    // held, or what the key shows while waiting: another holder (alive, or expiring: it stopped renewing),
    // or nobody.
    lock_view view() const;
    // The current session id ("" between sessions).
    const std::string& session() const noexcept { return session_; }
    const lock_params& params() const noexcept { return p_; }

private:
    boost::asio::awaitable<void> one_session(const std::function<void()>& on_acquired);
    boost::asio::awaitable<void> keep_alive(std::chrono::steady_clock::time_point created_sent);
    boost::asio::awaitable<void> heartbeat(std::chrono::steady_clock::time_point deadline);
    boost::asio::awaitable<void> acquire_and_hold(const std::function<void()>& on_acquired);
    boost::asio::awaitable<bool> try_acquire();
    boost::asio::awaitable<void> monitor();
    boost::asio::awaitable<void> clean_up();

    client& c_;
    lock_params p_;
    bool held_ = false;
    holder_watch watch_;
    std::uint64_t beat_ = 0;
    std::string session_;
};

}  // namespace vk::consul

#endif
