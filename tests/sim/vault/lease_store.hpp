// vault-sim's expiration manager as a pure model over storage: leases of dynamic secrets (database creds)
// kept under sys/expire/id/<lease id>, indexed by the token that created them, renewed with Vault's
// CalculateTTL rule (the max TTL counts from the issue time), and revoked one by one, by prefix or with
// their token. Expiry is evaluated lazily against the caller's clock: an expired lease, or one whose token
// is gone or expired, is treated as already revoked (Vault's expiration timers would have fired).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_LEASE_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_LEASE_STORE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage.hpp"
#include "vault_json.hpp"

namespace vsim::leases {

struct lease
{
    std::string id;
    // Storage hash of the token that created the lease (sys/token/id/<hash>).
    std::string token_hash;
    std::int64_t issue_ns = 0;
    std::int64_t expire_ns = 0;
    std::int64_t last_renewal_ns = 0;  // 0: never renewed
    // The backend's TTL (used when a renewal asks for no increment) and max TTL; 0 = the mount's 768h.
    std::int64_t ttl = 0;
    std::int64_t max_ttl = 0;
    bool renewable = true;
};

// What the engine asks for when it answers with a leased secret.
struct lease_request
{
    // Request path without the mount-relative split: "database/creds/readonly".
    std::string path;
    std::string token_hash;
    std::int64_t ttl = 0;
    std::int64_t max_ttl = 0;
    bool renewable = true;
};

// The effective first TTL of a secret (Vault's CalculateTTL with no increment): the backend TTL, else the
// mount default, capped by the max TTL.
std::int64_t initial_ttl(std::int64_t ttl, std::int64_t max_ttl);

// Registers a lease "<path>/<24 random alnum>" issued now; returns it.
lease create(storage& st, const lease_request& r, std::int64_t now_ns);

// The lease if it is live at now_ns (not expired, its token still valid); a dead one is deleted.
std::optional<lease> find_live(storage& st, const std::string& id, std::int64_t now_ns);

struct renewal
{
    std::int64_t ttl = 0;
    std::vector<std::string> warnings;
};
// sys/leases/renew: the granted TTL (min of the increment — or the backend TTL — and what the max TTL
// leaves), or Vault's error text.
std::variant<renewal, std::string> renew(storage& st, const std::string& id, std::int64_t increment,
                                         std::int64_t now_ns);

// Removes the lease (and its token index entry); false when there was none.
bool revoke(storage& st, const std::string& id);
// Every lease whose id starts with prefix ('/' appended when missing, as Vault does); returns how many.
std::size_t revoke_prefix(storage& st, std::string prefix);
// Every lease created by the token with this storage hash (token revocation).
std::size_t revoke_by_token(storage& st, const std::string& token_hash);

// Live leases, sorted by id (dead ones are deleted on the way).
std::vector<lease> live(storage& st, std::int64_t now_ns);
// Ids of live leases directly below prefix (LIST sys/leases/lookup/<prefix>): leaf names and folders.
std::vector<std::string> list(storage& st, const std::string& prefix, std::int64_t now_ns);

// The data of sys/leases/lookup.
json::object lookup_json(const lease& l, std::int64_t now_ns);

}  // namespace vsim::leases

#endif
