// ACL policy documents: parsing Vault's HCL (path blocks) or JSON form into path rules with capability bits.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_POLICY_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_POLICY_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsim {

namespace cap {
inline constexpr std::uint32_t create = 1, read = 2, update = 4, del = 8, list = 16, sudo = 32, deny = 64,
                               patch = 128;
}  // namespace cap

// Capability bit of one name ("read", ...); 0 for an unknown name.
std::uint32_t capability_bit(std::string_view name);
// Sorted capability names of a bit set; ["deny"] for none or deny.
std::vector<std::string> capability_names(std::uint32_t bits);
// The capability a logical operation needs ("read" -> read, "create" -> create, ...).
std::uint32_t capability_for_op(std::string_view op);

struct path_rule
{
    // The pattern as written, e.g. "secret/data/+/config*".
    std::string pattern;
    std::uint32_t caps = 0;
};

struct policy
{
    std::string name;
    std::vector<path_rule> rules;
};

// Parses HCL (`path "glob" { capabilities = [...] }`, legacy `policy = "write"`) or the JSON form.
// Returns the error text Vault would put after "failed to parse policy: " on malformed input.
std::optional<std::string> parse_policy(std::string_view text, policy& out);

// Vault's built-in "default" policy (token self-service, cubbyhole, capabilities-self), in HCL.
std::string_view default_policy_text();

}  // namespace vsim

#endif
