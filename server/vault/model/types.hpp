// Plain value types of the Vault client: what the typed operations return (decoded from Vault's JSON).
#ifndef VAULTKEEPER_SERVER_VAULT_MODEL_TYPES_HPP
#define VAULTKEEPER_SERVER_VAULT_MODEL_TYPES_HPP

#include "core/secret.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vk::vault {

// sys/health. Every documented status (200, 429, 472, 473, 474, 501, 503, 530) is an answer, not an error.
struct health
{
    unsigned status = 0;  // the HTTP status the node answered with
    bool initialized = false;
    bool sealed = false;
    bool standby = false;
    bool performance_standby = false;
    std::string version;
    std::string cluster_name;
    std::string cluster_id;
    std::int64_t server_time_utc = 0;
};

// sys/seal-status, also the answer of sys/unseal.
struct seal_status
{
    std::string type;
    bool initialized = false;
    bool sealed = true;
    unsigned t = 0;  // threshold
    unsigned n = 0;  // shares
    unsigned progress = 0;
    std::string nonce;
    std::string version;
    std::string cluster_name;
    std::string cluster_id;
};

// sys/init answer. The keys and the root token are secrets.
struct init_result
{
    std::vector<secret> keys;  // hex
    std::vector<secret> keys_base64;
    secret root_token;
};

struct leader
{
    bool ha_enabled = false;
    bool is_self = false;
    std::string leader_address;
    std::string leader_cluster_address;
    std::uint64_t raft_committed_index = 0;
    std::uint64_t raft_applied_index = 0;
};

enum class kv_version
{
    none,  // not a KV mount
    v1,
    v2,
};

struct mount
{
    std::string path;  // "secret/" (with the trailing slash, as Vault lists it)
    std::string type;  // "kv", "generic", "system"...
    std::string description;
    std::string accessor;
    kv_version kv = kv_version::none;  // type kv/generic: v2 when options.version == "2", else v1
};

// Per-version metadata of a KV v2 secret (also the answer of a write).
struct kv_version_meta
{
    std::uint64_t version = 0;
    std::string created_time;   // RFC3339Nano
    std::string deletion_time;  // "" when not deleted
    bool destroyed = false;
};

// A KV v2 read. `deleted` is true when the version exists but is soft-deleted or destroyed (Vault answers
// 404 with metadata): then `data` is empty and `meta` says which version and when.
struct kv_secret
{
    boost::json::object data;
    kv_version_meta meta;
    boost::json::object custom_metadata;
    bool deleted = false;
};

struct kv_metadata
{
    std::uint64_t current_version = 0;
    std::uint64_t oldest_version = 0;
    std::uint64_t max_versions = 0;
    bool cas_required = false;
    std::string delete_version_after;
    std::string created_time;
    std::string updated_time;
    std::map<std::string, std::string> custom_metadata;
    std::map<std::uint64_t, kv_version_meta> versions;  // version number -> its state
};

// Writable KV v2 metadata; unset fields are not sent.
struct kv_metadata_update
{
    std::optional<std::uint64_t> max_versions;
    std::optional<bool> cas_required;
    std::optional<std::string> delete_version_after;  // Go duration, "0s" = never
    std::optional<std::map<std::string, std::string>> custom_metadata;
};

// A transit key's versions (keys/<k>): what encrypt uses and the oldest that still decrypts.
struct transit_key_info
{
    std::int64_t latest_version = 0;
    std::int64_t min_decryption_version = 0;
};

// A token as lookup-self or a login/renew auth block describes it (never its value).
struct token_info
{
    std::vector<std::string> policies;
    std::chrono::seconds ttl{0};  // remaining TTL; 0 = never expires (root)
    std::chrono::seconds creation_ttl{0};
    std::chrono::seconds explicit_max_ttl{0};  // 0 = none
    std::optional<std::string> expire_time;    // RFC3339, when known
    bool renewable = false;
    bool root = false;  // policies contain "root"
};

// A login's result: the token and what it is.
struct auth_result
{
    secret token;
    token_info info;
};

// sys/rekey/init status (GET, or the answer of a started rekey / incomplete update).
struct rekey_status
{
    std::string nonce;
    bool started = false;
    unsigned t = 0;         // new threshold
    unsigned n = 0;         // new shares
    unsigned progress = 0;  // old shares supplied
    unsigned required = 0;  // current threshold
    bool verification_required = false;
    std::string verification_nonce;
    std::vector<std::string>
        pgp_fingerprints;  // new keys encrypted to these PGP keys (not returned in clear)
    bool backup = false;   // encrypted keys also kept in Vault
};

// sys/rekey/update: incomplete (status set) or complete (keys set).
struct rekey_update_result
{
    bool complete = false;
    rekey_status status;       // when !complete
    std::vector<secret> keys;  // when complete
    std::vector<secret> keys_base64;
    bool verification_required = false;
    std::string verification_nonce;
};

// sys/rekey/verify status or answer.
struct rekey_verify_status
{
    std::string nonce;
    bool started = false;
    bool complete = false;
    unsigned t = 0;
    unsigned n = 0;
    unsigned progress = 0;
};

struct raft_server
{
    std::string node_id;
    std::string address;
    bool leader = false;
    bool voter = false;
    std::string protocol_version;
};

struct raft_configuration
{
    std::uint64_t index = 0;
    std::vector<raft_server> servers;
};

// One node of sys/ha-status: the active node and the standbys it hears from (a sealed node is missing).
struct ha_node
{
    std::string hostname;
    std::string api_address;      // "http://10.0.0.3:8200"
    std::string cluster_address;  // "https://10.0.0.3:8201"
    bool active = false;
};

}  // namespace vk::vault

#endif
