// KV secrets engine version 2 (vault-plugin-secrets-kv): data/, metadata/, delete/, undelete/, destroy/,
// config.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_HPP

#include "call.hpp"

namespace vsim::kv2 {

response handle(call& c);
// The existence check that turns a write into "create" (absent) or "update" (present) for the ACL.
bool exists(const storage& st, const mount_entry& m, std::string_view rel);

}  // namespace vsim::kv2

#endif
