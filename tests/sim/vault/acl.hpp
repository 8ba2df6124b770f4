// An ACL compiled from a token's policies: exact rules, then the most specific glob/'+' rule, as Vault picks.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_ACL_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_ACL_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy.hpp"

namespace vsim {

class acl
{
public:
    // Rules with the same pattern in several policies merge: capabilities add up, deny wins.
    explicit acl(const std::vector<const policy*>& policies, bool root = false);

    // Capability bits on path (0 = nothing). Exact rules win; for lists the path without its '/' too.
    std::uint32_t capabilities(std::string_view path, bool list_op = false) const;
    // True if op ("read", "create", ..., "sudo") is granted on path.
    bool allows(std::string_view path, std::string_view op) const;
    bool root() const { return root_; }

private:
    struct glob_rule
    {
        std::string pattern;  // without the trailing '*'
        bool prefix = false;  // pattern ended with '*'
        std::size_t first_wild = 0;
        std::size_t plus_count = 0;
        std::uint32_t caps = 0;
    };
    static bool matches(const glob_rule& r, std::string_view path);
    // Vault's priority order between two matching non-exact rules: true if a ranks below b.
    static bool lower(const glob_rule& a, const glob_rule& b);

    bool root_ = false;
    std::unordered_map<std::string, std::uint32_t> exact_;
    std::vector<glob_rule> globs_;
};

// Exact-match helper for tests and the core: does pattern (with '*'/'+') match path?
bool glob_matches(std::string_view pattern, std::string_view path);

}  // namespace vsim

#endif
