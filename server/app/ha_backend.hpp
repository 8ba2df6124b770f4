// Where the HA locks live: Consul (one lock key per job, consul/lock.hpp) or Kubernetes (one Lease per job,
// kubernetes/lease_lock.hpp). The coordinator sees only this: a lock per job that runs until cancelled,
// calling back when it is taken and awaiting the job's stop when it is lost.
#ifndef VAULTKEEPER_SERVER_APP_HA_BACKEND_HPP
#define VAULTKEEPER_SERVER_APP_HA_BACKEND_HPP

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/lock_watch.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

namespace vk::app {

class ha_lock
{
public:
    virtual ~ha_lock() = default;
    // Until terminal cancellation (then released); see consul::lock::run for the callbacks' contract.
    virtual boost::asio::awaitable<void> run(std::function<void()> on_acquired,
                                             std::function<boost::asio::awaitable<void>()> on_lost) = 0;
    virtual bool held() const = 0;
    virtual lock_view view() const = 0;
};

class ha_backend
{
public:
    virtual ~ha_backend() = default;
    // `may_acquire` is asked before each attempt on a free lock (balancing); empty: always.
    virtual std::unique_ptr<ha_lock> lock_for(const std::string& job, std::function<bool()> may_acquire) = 0;
    // This replica's announcement: a lock only it takes (a Consul key under <key>/.replicas/, a member
    // Lease), held while it runs, so every replica can count the live ones.
    virtual std::unique_ptr<ha_lock> member_lock() = 0;
    // The replicas whose announcement is alive; an error when they cannot be listed.
    virtual boost::asio::awaitable<result<std::set<std::string>>> members() = 0;
    // How often balancing looks again, and how long a free job waits for a least loaded replica before any
    // replica takes it (longer than the others take to notice it is free).
    virtual std::chrono::milliseconds balance_period() const = 0;
    virtual std::chrono::milliseconds take_grace() const = 0;
    // For the "HA enabled" log line: where the locks are.
    virtual std::string where() const = 0;
};

// The backend `cfg.ha` names; errors when its client cannot be built (then the jobs stay in standby).
result<std::unique_ptr<ha_backend>> make_ha_backend(boost::asio::any_io_executor ex, const vk::config& cfg);

}  // namespace vk::app

#endif
