// sys/mounts, sys/auth and sys/internal/ui/mounts: listing, enabling and disabling engines and auth methods.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SYS_MOUNTS_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SYS_MOUNTS_HPP

#include <optional>

#include "call.hpp"

namespace vsim {

// sub is the path after "sys/". nullopt when sub is not a mount-table route.
std::optional<response> sys_mounts(call& c, mount_table& mt, std::string_view sub);

}  // namespace vsim

#endif
