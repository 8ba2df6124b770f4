// The simulated Vault cluster: N nodes sharing one storage, each sealed or unsealed on its own, at most
// one active. Owns the keyring, the rekey state, persistence and snapshots; knows nothing about HTTP.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_CLUSTER_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_CLUSTER_HPP

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "journal.hpp"
#include "logical.hpp"
#include "rekey.hpp"
#include "snapshot.hpp"
#include "storage.hpp"
#include "unseal.hpp"

namespace vsim {

struct cluster_options
{
    std::size_t nodes = 1;
    std::string host = "127.0.0.1";
    unsigned short base_port = 8200;
    bool tls = false;
    std::string dev_root_token;
    std::string data_dir;
    // Runs fn soon on the server's thread (write-behind persistence after a burst of writes).
    std::function<void(std::function<void()>)> post;
};

struct node_state
{
    std::string id;
    unsigned short port = 0;
    bool up = true;
    bool sealed = true;
    // A replacement with no raft data (/_sim/vault/wipe): not initialised until it joins the cluster.
    bool empty = false;
    unseal_progress progress;
    // Set while this node is the active one (RFC3339 active_time in sys/leader).
    std::optional<std::chrono::system_clock::time_point> active_since;
};

class cluster
{
public:
    explicit cluster(cluster_options opts);
    ~cluster();

    bool initialized() const { return ring_.has_value(); }
    // As node i sees it: an empty node is not, whatever the cluster is.
    bool initialized(std::size_t i) const { return initialized() && !nodes_.at(i).empty; }
    const seal_config& config() const;
    const std::string& cluster_id() const { return cluster_id_; }
    const std::string& cluster_name() const { return cluster_name_; }
    node_state& node(std::size_t i) { return nodes_.at(i); }
    std::size_t size() const { return nodes_.size(); }
    std::optional<std::size_t> active() const { return active_; }
    std::string api_addr(std::size_t i) const;
    std::string cluster_addr(std::size_t i) const;  // host:port of the (fictitious) cluster port
    std::uint64_t raft_index() const { return raft_index_; }
    std::uint64_t raft_term() const { return raft_term_; }
    storage& store() { return store_; }
    logical& logic() { return *logic_; }
    rekey_machine& rekey() { return rekey_; }
    bool dev_mode() const { return !opts_.dev_root_token.empty(); }
    // The sim's clock for logical requests: wall time plus what POST /_sim/vault/advance added, so tests see
    // tokens and leases expire without waiting.
    std::chrono::system_clock::time_point now() const { return std::chrono::system_clock::now() + offset_; }
    void advance(std::chrono::seconds by) { offset_ += by; }
    std::chrono::seconds clock_offset() const { return offset_; }

    // sys/init: returns {"keys","keys_base64","root_token"}; every node stays sealed.
    std::variant<boost::json::object, coded_error> init(const seal_config& cfg);
    // sys/unseal with one share on node i.
    unseal_progress::outcome unseal(std::size_t i, const bytes& share);
    void seal(std::size_t i);
    // The active node gives up leadership; the next unsealed node (if any) takes over.
    void step_down();
    // Control API: node i stops (sealed, not serving) or comes back sealed (unsealed again in dev mode).
    void kill(std::size_t i);
    void restart(std::size_t i);
    // Control API: node i comes back with empty storage (a replaced pod): uninitialised, out of the raft
    // configuration, until sys/storage/raft/join.
    void wipe(std::size_t i);
    // sys/storage/raft/join on node i with the leader's API address: nullopt when joined (the node is then
    // sealed and unseals with the cluster's keys).
    std::optional<coded_error> join(std::size_t i, std::string_view leader_api_addr);
    // The keyring in use (nullopt before init).
    const std::optional<keyring>& current_ring() const { return ring_; }
    // Rekey finished: the new shares replace the old ones.
    void install_keyring(const keyring& ring);

    snapshot_input snapshot_source() const;
    // Restores an archive; without force, refuses one sealed by other keys.
    std::optional<coded_error> restore(std::string_view archive, bool force);
    // Restores a snapshot already read (snapshot_reader); a read error restores nothing and answers 400.
    std::optional<coded_error> restore_parsed(snapshot_result parsed, bool force);
    // Writes dirty entries to the journal now (also runs after every burst of writes).
    void flush();
    // SHA-256 (hex) of the token of the last /v1/ request that carried one, for GET /_sim/vault/last-token:
    // tests see which token a client sent without the sim logging tokens.
    std::string last_token_sha256;
    // Requests by "METHOD /v1/path" (no query), for GET /_sim/vault/requests: tests see which paths a client
    // read and how often (the generic /_sim/counters keep two path segments only).
    std::map<std::string, std::uint64_t> request_counts;

private:
    void elect();
    void make_active(std::size_t i);
    void open_data(const bytes& root_key);
    void persist_seal();
    void on_key_change(std::string_view key);
    void on_change();
    void dev_init();

    cluster_options opts_;
    std::chrono::seconds offset_{0};
    storage store_;
    std::unique_ptr<logical> logic_;
    std::vector<node_state> nodes_;
    std::optional<std::size_t> active_;
    std::optional<keyring> ring_;
    std::optional<bytes> root_key_;
    // Encrypted data waiting for the first unseal (after a forced restore of a foreign snapshot).
    std::optional<entry_map> pending_image_;
    std::string cluster_id_;
    std::string cluster_name_;
    rekey_machine rekey_;
    std::uint64_t raft_index_ = 1;
    std::uint64_t raft_term_ = 1;
    std::unique_ptr<journal> journal_;
    std::set<std::string, std::less<>> dirty_;
    bool saw_key_change_ = false;
    bool full_rewrite_ = false;
    bool flush_posted_ = false;
};

}  // namespace vsim

#endif
