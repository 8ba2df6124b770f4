// The lease endpoints of the system backend: sys/leases/{renew,revoke,revoke-prefix,revoke-force,lookup}
// and their older aliases sys/renew, sys/revoke, sys/revoke-prefix (model in lease_store.hpp).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SYS_LEASES_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SYS_LEASES_HPP

#include <optional>
#include <string_view>

#include "call.hpp"

namespace vsim {

// sub is the path after "sys/". nullopt when sub is not a lease route.
std::optional<response> sys_leases(call& c, std::string_view sub);

}  // namespace vsim

#endif
