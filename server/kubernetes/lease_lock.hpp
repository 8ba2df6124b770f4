// HA through a Kubernetes Lease: the shell around model/lease_election. Tries to take the Lease every retry
// period (jittered x 1.2, as client-go), renews it every retry period while held, and counts it lost when
// no renewal succeeded for renew_deadline (each attempt is cut at that deadline); then stops what it guards
// (on_lost) before trying again. A graceful stop hands the Lease back (no holder) so another replica takes
// it at once.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_LEASE_LOCK_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_LEASE_LOCK_HPP

#include "core/error.hpp"
#include "core/lock_watch.hpp"
#include "http/message.hpp"
#include "kubernetes/model/lease_election.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <random>
#include <string>

namespace vk::kubernetes {

// One request to the API server: method, path, JSON body ("" = none); any status is an answer.
using api_send = std::function<boost::asio::awaitable<result<http::response>>(
    std::string method, std::string target, std::string body)>;

struct lease_lock_params
{
    std::string ns;
    std::string name;
    election_params election;
    // Asked before taking a Lease that is free or expired (HA balancing); false: wait for the next try.
    std::function<bool()> may_acquire;
};

class lease_lock
{
public:
    lease_lock(api_send send, lease_lock_params p);

    // Runs until terminal cancellation; the callbacks as consul::lock's (on_acquired when taken; on_lost
    // awaited when lost, before trying again; neither on cancellation). API errors are logged and retried.
    boost::asio::awaitable<void> run(std::function<void()> on_acquired,
                                     std::function<boost::asio::awaitable<void>()> on_lost);

    bool held() const noexcept { return held_; }
    // held, or the holder this replica last saw (unheld; "" when free or unknown).
    lock_view view() const;
    const lease_lock_params& params() const noexcept { return p_; }

private:
    boost::asio::awaitable<void> acquire();
    boost::asio::awaitable<void> hold();
    // One read-decide-write round (a takeover, a renewal after a conflict): true when written.
    boost::asio::awaitable<bool> read_and_write();
    boost::asio::awaitable<bool> renew_once();
    boost::asio::awaitable<void> release();
    boost::asio::awaitable<result<lease_read>> read();
    // The step's create or update: the new resourceVersion; errc::conflict for a 409.
    boost::asio::awaitable<result<std::string>> write(const election_step& step);

    api_send send_;
    lease_lock_params p_;
    lease_election election_;
    bool held_ = false;
    std::string seen_holder_;
    std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace vk::kubernetes

#endif
