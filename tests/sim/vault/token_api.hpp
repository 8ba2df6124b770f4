// auth/token/* endpoints: create, lookup(-self/-accessor), renew(-self), revoke(-self/-accessor), accessors.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_TOKEN_API_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_TOKEN_API_HPP

#include "call.hpp"

namespace vsim::token_api {

response handle(call& c);

// Response envelope carrying an auth block (login, create, renew): data null, mount_type of the auth method.
response auth_response(json::object auth, std::string_view mount_type, json::value warnings = nullptr);

}  // namespace vsim::token_api

#endif
