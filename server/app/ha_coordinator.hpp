// HA across vaultkeeper replicas: one lock per job — a Consul key (<ha.key>/<job name>, value = replica id
// and a heartbeat) or a Kubernetes Lease (<ha.lease_prefix><job name>), app/ha_backend.hpp; a job runs only
// on the replica holding its lock and is in standby elsewhere. A lock is released (or left to expire) only
// once the job's cycle has ended: no cycle, and nothing a cycle started, overlaps the next holder's.
// With ha.balance, each replica also holds a member lock announcing it, and a balancing loop spreads the jobs
// over the live replicas (app/model/balance.hpp): free jobs go to the least loaded, and a replica over its
// share hands back jobs between their cycles.
#ifndef VAULTKEEPER_SERVER_APP_HA_COORDINATOR_HPP
#define VAULTKEEPER_SERVER_APP_HA_COORDINATOR_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "app/ha_backend.hpp"
#include "app/model/balance.hpp"
#include "core/config.hpp"
#include "core/lock_watch.hpp"

namespace vk::runtime {
class job_set;
}

namespace vk::app {

class ha_coordinator
{
public:
    // `jobs` must outlive the coordinator. Jobs must be started inactive (job_set::set_initially_active).
    ha_coordinator(boost::asio::any_io_executor ex, runtime::job_set& jobs);
    // Cancels the locks still running (stop_all() should have been awaited: this cannot wait for them).
    ~ha_coordinator();
    ha_coordinator(const ha_coordinator&) = delete;
    ha_coordinator& operator=(const ha_coordinator&) = delete;

    // Follows cfg.ha and the jobs currently in the job set: starts a lock for every job without one,
    // stops (releases, awaited) the locks of jobs that are gone, and re-activates a job that was recreated
    // (config change) while its lock stays held. A changed ha block, or the consul or kubernetes entry it
    // names, restarts every lock. Without cfg.ha, every lock is stopped. A client that cannot be built is
    // logged; jobs then stay in standby.
    boost::asio::awaitable<void> apply(const vk::config& cfg);
    // Puts every job in standby and awaits the end of their cycles, then releases every lock and waits until
    // each lock's coroutine has returned (shutdown: after the jobs stopped).
    boost::asio::awaitable<void> stop_all();

    // `job`'s lock as this replica sees it (core/lock_watch.hpp); nullopt without HA.
    std::optional<vk::lock_view> view(const std::string& job) const;
    // The replicas sharing the jobs; nullopt without HA.
    std::optional<vk::ha_replicas_view> replicas() const;
    const std::string& replica_id() const noexcept { return replica_id_; }

private:
    struct entry;
    struct balancer;
    std::shared_ptr<entry> spawn(std::unique_ptr<ha_lock> lock, std::function<void()> on_acquired,
                                 std::function<boost::asio::awaitable<void>()> on_lost, std::string what);
    void start(const std::string& job);
    boost::asio::awaitable<void> stop(const std::string& job);
    // The one way a lock is cancelled (a second cancellation would cut its release short).
    static void cancel(entry& e);
    boost::asio::awaitable<void> until_finished(std::shared_ptr<entry> e);
    void set_active(const std::string& job, bool active);
    // Standby, and the job's running cycle (if any) cancelled and ended. By value: the job may go meanwhile.
    boost::asio::awaitable<void> deactivate(std::string job);
    // Balancing: the members and holders as seen now; may this replica take `job` (free) now; the loop that
    // lists the members and hands back this replica's excess; one job handed back between its cycles.
    balance_view balance_now() const;
    bool may_take(const std::string& job);
    void start_balancing();
    boost::asio::awaitable<void> stop_balancing();
    boost::asio::awaitable<void> balance_loop(std::shared_ptr<balancer> b);
    boost::asio::awaitable<void> rebalance();
    boost::asio::awaitable<void> hand_back(std::string job);

    boost::asio::any_io_executor ex_;
    runtime::job_set& jobs_;
    std::optional<vk::ha_config> ha_;
    std::string identity_;  // the ha block and its backend as written, to tell on reload whether they changed
    std::unique_ptr<ha_backend> backend_;
    std::string replica_id_;
    std::map<std::string, std::shared_ptr<entry>, std::less<>> locks_;
    std::shared_ptr<entry> member_;                 // this replica's announcement (balancing)
    std::shared_ptr<balancer> balancer_;            // the balancing loop, while it runs
    std::optional<std::set<std::string>> members_;  // live replicas at the last listing
    std::unique_ptr<take_gate> gate_;
};

}  // namespace vk::app

#endif
