// The AppRole auth method: roles, role ids, secret ids and login (vault/builtin/credential/approle).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_APPROLE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_APPROLE_HPP

#include "call.hpp"

namespace vsim::approle {

response handle(call& c);
// Paths of this method that need no token.
bool unauthenticated(std::string_view rel);

}  // namespace vsim::approle

#endif
