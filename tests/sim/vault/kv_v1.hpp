// KV secrets engine version 1 (and generic, and cubbyhole, which is KV v1 scoped to the caller's token).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KV_V1_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KV_V1_HPP

#include "call.hpp"

namespace vsim::kv1 {

// prefix: where the values live in storage (the mount's "k/" for kv, the token's cubbyhole for cubbyhole).
response handle(call& c, const std::string& prefix);
bool exists(const storage& st, const std::string& prefix, std::string_view rel);

}  // namespace vsim::kv1

#endif
