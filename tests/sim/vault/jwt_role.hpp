// JWT/OIDC auth roles (vault-plugin-auth-jwt path_role.go): storage form and the role/<name> endpoints.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_JWT_ROLE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_JWT_ROLE_HPP

#include <optional>
#include <string>
#include <vector>

#include "call.hpp"
#include "jwt_verify.hpp"
#include "role_tokens.hpp"

namespace vsim::jwt {

// The mount_type of this method's answers (for the oidc type too: one plugin).
inline constexpr std::string_view mount_type = "jwt";

struct role : role_token_fields
{
    std::string role_type = "oidc";
    std::string user_claim;
    std::vector<std::string> bound_audiences;
    std::string bound_subject;
    json::object bound_claims;
    std::string bound_claims_type = "string";
    json::object claim_mappings;
    std::string groups_claim;
    std::vector<std::string> allowed_redirect_uris;
    std::vector<std::string> oidc_scopes;
    leeways leeway;
    bool verbose_oidc_logging = false;
};

// Vault lower-cases role names (framework.TypeLowerCaseString).
std::string role_name(std::string_view raw);
std::optional<role> load_role(const storage& st, const mount_entry& m, const std::string& name);
// role/<name>: GET, POST (create or update), DELETE; role/ LIST.
response role_endpoint(call& c, const std::string& name);

}  // namespace vsim::jwt

#endif
