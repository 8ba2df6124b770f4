// vault-sim's logical layer: everything behind a token — the mount table (sys/mounts), KV v1 and v2
// engines, the token store, AppRole, ACL policies and sys/capabilities-self. The core (HTTP, seal,
// init/unseal, rekey, HA, raft, health) decides *whether* a request reaches this layer (unsealed, active
// node) and turns the response into HTTP; this layer decides *what* Vault would answer.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_LOGICAL_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_LOGICAL_HPP

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage.hpp"

namespace vsim {

struct mount_entry;

// One request as Vault's HTTP layer hands it to the logical router (http/logical.go).
struct request
{
    // "read", "list", "create"/"update" (POST and PUT; the layer picks create vs update by existence),
    // "patch", "delete". GET ?list=true and the LIST verb both arrive as "list".
    std::string op;
    // Path after "/v1/", no leading slash; for "list" it ends with '/'.
    std::string path;
    std::map<std::string, std::string> query;
    // Parsed JSON body (null when empty). For DELETE, query parameters are also available in `query`.
    boost::json::value body;
    // X-Vault-Token, or the Bearer token; empty when absent.
    std::string token;
    std::string content_type;
};

struct response
{
    unsigned status = 200;
    // nullopt means no body (204 No Content). Error responses are {"errors":[...]}.
    std::optional<boost::json::value> body;
    std::vector<std::pair<std::string, std::string>> headers;
    // A non-JSON body (Vault's HTTPRawBody: pki/ca/pem); its Content-Type goes in headers.
    std::optional<std::string> raw = std::nullopt;
};

using clock = std::chrono::system_clock;

class logical
{
public:
    explicit logical(storage& st);
    ~logical();

    // Called once by sys/init: creates and returns the root token (hvs.-prefixed) and mounts the default
    // engines as a fresh Vault has them (cubbyhole, identity, sys, token auth). dev_root_token, when
    // non-empty, is used as the root token id and KV v2 is mounted at secret/ (like `vault server -dev`).
    std::string initialize(const std::string& dev_root_token, clock::time_point now);

    // Answers one logical request. Never throws for bad input: answers 400/403/404/405 like Vault.
    response handle(const request& req, clock::time_point now);

    // True if the token is valid (not expired) and its policies grant capability on path ("sudo", "read",
    // ...). The root token has every capability. Used by the core for sudo-protected sys paths.
    bool allowed(const std::string& token, const std::string& path, const std::string& capability,
                 clock::time_point now) const;

    // Fast bulk load for benchmarks: writes n KV v2 secrets under <mount>data/<prefix><i>
    // (version 1, small JSON payload). Returns false if mount is not KV v2.
    bool load_synthetic(const std::string& mount, const std::string& prefix, std::size_t n,
                        clock::time_point now);
    // Fast bulk load of a realistic estate (kv_v2_bulk.hpp): secrets 0..n-1 of `seed` under <mount><prefix>,
    // each a one-version record as a write at its (past) time leaves it. Returns the first 5 paths, or
    // nullopt if mount is not KV v2.
    std::optional<std::vector<std::string>> seed(const std::string& mount, const std::string& prefix,
                                                 std::uint32_t n, std::uint64_t seed, clock::time_point now);
    // Live secrets of a KV v2 mount and a SHA-256 over their (path, data); nullopt if mount is not KV v2.
    std::optional<std::pair<std::size_t, std::string>> digest(const std::string& mount,
                                                              clock::time_point now);

    // The leases alive at now (sys/leases/lookup data of each), for GET /_sim/vault/leases.
    boost::json::array live_leases(clock::time_point now);

    // Drops every in-memory cache (mount table, tokens, policies, ACLs). Call after the storage was replaced
    // (snapshot restore, reload from disk). Caches also check storage on each use, so this is belt and
    // braces.
    void reload();

private:
    // The KV v2 mount at `mount` (mount table re-read from storage), or nullptr.
    const mount_entry* kv2_mount(const std::string& mount);

    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace vsim

#endif
