// The token store's model: token entries kept under sys/token/ (by id hash, accessor and parent), creation,
// lookup with expiry, renewal and recursive revocation.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_TOKEN_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_TOKEN_STORE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage.hpp"
#include "vault_json.hpp"

namespace vsim {

inline constexpr std::int64_t system_max_ttl = 2764800;  // 768h, Vault's default and max lease TTL

struct token_entry
{
    std::string id;
    std::string accessor;
    // Storage hash of the parent token; empty for orphans.
    std::string parent;
    std::string display_name;
    std::string path;
    std::vector<std::string> policies;
    json::value meta;
    std::int64_t creation_time = 0;  // unix seconds
    std::int64_t creation_ttl = 0;   // seconds; 0 = never expires
    std::int64_t explicit_max_ttl = 0;
    std::int64_t period = 0;
    std::int64_t num_uses = 0;
    std::int64_t issue_ns = 0;
    std::int64_t expire_ns = 0;  // 0 = never expires
    bool renewable = false;
    bool orphan = false;

    bool is_root() const { return policies.size() == 1 && policies[0] == "root"; }
    std::int64_t ttl_left(std::int64_t now_ns) const;
};

// What a caller asks auth/token/create (or a login) for.
struct token_params
{
    std::vector<std::string> policies;
    std::string display_name;
    std::string path = "auth/token/create";
    json::value meta;
    std::int64_t ttl = 0;
    std::int64_t explicit_max_ttl = 0;
    std::int64_t period = 0;
    std::int64_t num_uses = 0;
    bool renewable = true;
    bool orphan = false;
    // Storage hash of the parent; ignored when orphan.
    std::string parent;
    // Use this id instead of a random one (dev-mode root token).
    std::string fixed_id;
};

std::string token_key(const std::string& id);
// Storage prefix of a token's cubbyhole; revocation deletes it, as Vault destroys the cubbyhole.
std::string cubbyhole_prefix(const std::string& id);
std::string token_key_for_hash(const std::string& hash);

// Parses a stored entry; nullopt if malformed.
std::optional<token_entry> parse_token(std::string_view raw);
std::string serialize_token(const token_entry& t);

// The entry for id if it exists and has not expired.
std::optional<token_entry> lookup_token(const storage& st, const std::string& id, std::int64_t now_ns);
std::optional<token_entry> lookup_accessor(const storage& st, const std::string& accessor,
                                           std::int64_t now_ns);
token_entry create_token(storage& st, token_params p, std::int64_t now_ns);
void save_token(storage& st, const token_entry& t);
// Revokes the token and, recursively, every non-orphan child.
void revoke_token(storage& st, const std::string& id);
// Revokes only the token; its children become orphans (auth/token/revoke-orphan).
void revoke_orphan(storage& st, const std::string& id);

// The "auth" block of login/create/renew responses.
json::object auth_block(const token_entry& t, std::int64_t now_ns);
// The data of auth/token/lookup*.
json::object lookup_data(const token_entry& t, std::int64_t now_ns);

}  // namespace vsim

#endif
