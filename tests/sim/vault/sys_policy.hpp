// ACL policy storage (sys/policy/<name>) and the endpoints sys/policy, sys/policies/acl,
// sys/capabilities(-self).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SYS_POLICY_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SYS_POLICY_HPP

#include <functional>
#include <memory>
#include <optional>

#include "acl.hpp"
#include "call.hpp"

namespace vsim {

std::string policy_key(std::string_view name);
// Stores a policy document; returns the parse error if it does not parse.
std::optional<std::string> put_policy(storage& st, const std::string& name, std::string_view text);
// The stored document text of a policy, from the entry's raw JSON.
std::optional<std::string> policy_text(std::string_view raw_entry);

// Builds (or fetches from a cache) the ACL of a token.
using acl_for = std::function<std::shared_ptr<const acl>(const token_entry&)>;

// sub is the path after "sys/". nullopt when sub is not a policy/capabilities route.
std::optional<response> sys_policy(call& c, std::string_view sub, const acl_for& acls);

}  // namespace vsim

#endif
