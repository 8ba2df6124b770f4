// KV v2 non-data endpoints: metadata/ (read, list, write, delete), delete/undelete/destroy of versions,
// config.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_OPS_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_OPS_HPP

#include "call.hpp"

namespace vsim::kv2 {

// The storage key of a secret's record: the mount's KV v2 prefix and the secret's path.
std::string record_key(const call& c, std::string_view key);

// key is the path below metadata/ (ends with '/' or is empty for a list).
response metadata_endpoint(call& c, std::string_view key);
// verb is "delete", "undelete" or "destroy".
response versions_endpoint(call& c, std::string_view verb, std::string_view key);
response config_endpoint(call& c);

}  // namespace vsim::kv2

#endif
