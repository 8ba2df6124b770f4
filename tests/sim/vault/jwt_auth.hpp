// The JWT/OIDC auth method with static keys (vault-plugin-auth-jwt): config, roles and JWT login.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_JWT_AUTH_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_JWT_AUTH_HPP

#include "call.hpp"

namespace vsim::jwt {

// Both auth types name this plugin in Vault's catalog.
inline bool is_jwt_type(std::string_view type)
{
    return type == "jwt" || type == "oidc";
}

response handle(call& c);
// Paths of this method that need no token.
bool unauthenticated(std::string_view rel);

}  // namespace vsim::jwt

#endif
