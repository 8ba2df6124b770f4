// The token_* fields every auth method's role carries (Vault's sdk/helper/tokenutil), and the token a login
// under such a role gets.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_ROLE_TOKENS_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_ROLE_TOKENS_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "token_store.hpp"

namespace vsim {

struct role_token_fields
{
    std::vector<std::string> token_policies;
    std::int64_t token_ttl = 0;
    std::int64_t token_max_ttl = 0;
    std::int64_t token_explicit_max_ttl = 0;
    std::int64_t token_period = 0;
    std::int64_t token_num_uses = 0;
    bool token_no_default_policy = false;
};

// Applies the token_* fields present in the request (and the legacy policies/period); an error message for a
// bad value or a token_ttl above token_max_ttl.
std::optional<std::string> apply_token_fields(const request& req, role_token_fields& t);
// The token_* keys of a role read (tokenutil's PopulateTokenData).
json::object token_fields_json(const role_token_fields& t);
// Storage form, and back (missing keys read as zero).
void store_token_fields(json::object& o, const role_token_fields& t);
role_token_fields load_token_fields(const json::object& o);

// The orphan service token a login under the role gets: its policies plus "default" (unless
// token_no_default_policy), sorted; token_ttl (else the system max) capped by token_max_ttl.
token_params login_token_params(const role_token_fields& t, std::string display_name, std::string path,
                                json::value meta);

}  // namespace vsim

#endif
