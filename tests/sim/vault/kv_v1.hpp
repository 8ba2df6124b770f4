// KV secrets engine version 1 (and generic, and cubbyhole, which is KV v1 scoped to the caller's token).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KV_V1_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KV_V1_HPP

#include "call.hpp"

namespace vsim::kv1 {

// scope: the storage prefix below the mount's ("k/" for kv, "<token-hash>/" for cubbyhole).
response handle(call& c, const std::string& scope);
bool exists(const storage& st, const mount_entry& m, const std::string& scope, std::string_view rel);

}  // namespace vsim::kv1

#endif
