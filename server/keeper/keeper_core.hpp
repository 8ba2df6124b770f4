// What a keeper job holds across cycles: the Vault clients (the cluster address and one per node), the
// shard stores, the record as last read or written, and what status reports. Lives in a shared_ptr so an
// admin action still running when a reload drops the job keeps it alive.
#ifndef VAULTKEEPER_SERVER_KEEPER_KEEPER_CORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEEPER_CORE_HPP

#include "async/mutex.hpp"
#include "keeper/model/discovery.hpp"
#include "keeper/model/node_state.hpp"
#include "keeper/model/procedure.hpp"
#include "keeper/model/settings.hpp"
#include "keeper/pgp.hpp"
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
    node_state state = node_state::unknown;
    std::string detail;  // the last error or unseal outcome (never a key)
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
    // store -> when objects under a previous key-encryption key were first seen there (Unix seconds), kept
    // in <state_dir>/<job>.kek-since when the job has a state_dir.
    std::map<std::string, std::int64_t> old_kek_since;
    std::optional<error> kek_since_problem;  // that file did not load: warned by the next rotate_keks
    // The keeper's OpenPGP key for the stores' shares of the set `key_set` (a set with custodians), from its
    // init or rekey request until Vault's answer is stored. Only in memory (DEVELOPERS "Human custodians"):
    // a restart loses it, and a rekey still waiting for its answer is cancelled and asked again.
    std::string key_set;
    std::unique_ptr<procedure_key> key;
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

    // A step of every store's key rotation: old_kek_since brought up to date with the last read, a few
    // objects rewritten under the current key (a failure is a warning: the next cycle tries again), and
    // old_kek_since again.
    boost::asio::awaitable<void> rotate_keks(runtime::cycle_context& ctx);
    // old_kek_since from the old objects the last read found and the rewrites left, saved to the
    // state_dir's file when it changed.
    void note_old_keks(runtime::cycle_context& ctx);

    void count_unseal(std::string_view outcome) const;
    void publish_metrics() const;
    void publish_kek_metrics() const;
    void publish_transit_metrics(const std::string& store) const;
    boost::json::object status() const;
};

}  // namespace vk::keeper

#endif
