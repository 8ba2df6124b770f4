// What a keeper job holds across cycles: the Vault clients (the cluster address and one per node), the
// shard stores, the record as last read or written, and what status reports. Lives in a shared_ptr so an
// admin action still running when a reload drops the job keeps it alive.
#ifndef VAULTKEEPER_SERVER_KEEPER_KEEPER_CORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEEPER_CORE_HPP

#include "async/mutex.hpp"
#include "keeper/model/discovery.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/model/settings.hpp"
#include "keeper/stores.hpp"
#include "runtime/job_kind.hpp"
#include "runtime/kind_core.hpp"
#include "vault/client.hpp"

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vk::keeper {

struct node_client
{
    std::string address;
    std::unique_ptr<vault::client> client;
    std::string state = "unknown";  // unsealed, sealed, uninitialized, unreachable
    std::string detail;             // the last error or unseal outcome (never a key)
};

// Its executor makes node clients as nodes are discovered.
struct keeper_core : runtime::kind_core<keeper_settings>
{
    std::unique_ptr<vault::client> vault;  // the cluster address: init, rekey (forwarded to the active node)
    std::string leader_ca;  // PEM of the vault's CA ("" when none), handed to a node joining the raft
    std::vector<node_client> nodes;
    node_map discovered;         // without `nodes`: what raft configuration and ha-status taught
    std::string discovery_note;  // why the last discovery failed ("" when it worked or is not used)
    store_set stores;

    procedure_record record;  // as last read or written
    std::string last_good;    // the set that last unsealed a node (tried first)
    // Held by a cycle and by the rekey action: one writer of the record at a time, each starting from the
    // record as the other left it.
    async_mutex turn;
    std::string waiting;  // why the procedure waits ("" when it does not)
    std::string alerted;  // the last waiting reason sent as an alert (repeats are warnings, not webhooks)
    std::map<std::string, std::map<std::string, int>> held;  // set -> store -> objects, for status
    std::set<std::string> stores_alerted;  // unusable stores a human was told about (until usable again)
    std::string stopped;  // why the job stopped (a fatal error), "" while it runs; cleared by a new start

    keeper_core(const vk::job_config& jc, runtime::job_services& services);

    // The nodes to unseal become `addresses`; a node already known keeps its client and last state. An
    // address no client can be made for is left out: the first such error.
    std::optional<error> set_nodes(const std::vector<std::string>& addresses);

    // A fatal error: the job stops until resumed. Kept for status with the nodes as last seen.
    void stop(runtime::cycle_context& ctx, const error& e);
    void stopped_by(const error& e);
    // Alerts once for each store that became unusable, logs each that is usable again.
    void report_store_health(runtime::cycle_context& ctx);

    void count_unseal(std::string_view outcome) const;
    void publish_metrics() const;
    boost::json::object status() const;
};

// Without `nodes` in the job: the nodes from the raft configuration (their API addresses from ha-status,
// remembered, or derived). Leaves the list as it was when Vault cannot say (sealed, no token): returns
// whether the list changed.
boost::asio::awaitable<bool> discover_nodes(keeper_core& core, runtime::cycle_context& ctx);

// Reads every node's seal status (nothing else), so that a job stopped at start-up still shows them.
boost::asio::awaitable<void> observe_nodes(keeper_core& core);

// Unseals every sealed node concurrently (one coroutine per node, under the cycle's deadline), trying the
// held shard sets in unseal_order; a wrong key resets the node's progress and moves to the next set.
boost::asio::awaitable<void> unseal_nodes(keeper_core& core, runtime::cycle_context& ctx);

// What the job wants of the procedure now (shares, threshold and placement for a new set; whether
// rekey_interval has elapsed).
result<procedure_policy> procedure_policy_of(const keeper_core& core);

// Writes `next`, as the next seq, over the record by compare-and-swap and keeps it as core.record; the crash
// point after it is named by what changed.
boost::asio::awaitable<result<void>> commit_record(keeper_core& core, const procedure_record& next);

// POST /v1/keeper/{name}/rekey: records `requested` durably (waiting for a running cycle to finish) before
// answering, so an accepted request survives any crash after the answer.
boost::asio::awaitable<runtime::action_result> accept_rekey(std::shared_ptr<keeper_core> core,
                                                            std::function<void()> request_cycle);

// Runs the procedure (init, rekey, audits, recovery) until it has nothing to do or must wait.
boost::asio::awaitable<void> run_procedure(keeper_core& core, runtime::cycle_context& ctx);

}  // namespace vk::keeper

#endif
