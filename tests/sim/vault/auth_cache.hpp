// Caches of parsed tokens, policies and compiled ACLs, validated against storage on every use so that a
// snapshot restore or another writer can never leave them stale; they only save parsing work.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_AUTH_CACHE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_AUTH_CACHE_HPP

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "acl.hpp"
#include "token_store.hpp"

namespace vsim {

class auth_cache
{
public:
    // The valid (existing, unexpired) token with this id, or nullptr. Valid until the next call.
    const token_entry* token(const storage& st, const std::string& id, std::int64_t now_ns);
    // The ACL compiled from the token's policies (root tokens get a root ACL).
    std::shared_ptr<const acl> acl_of(const storage& st, const token_entry& t);
    void clear();

private:
    struct cached_token
    {
        std::string key;
        std::string raw;
        token_entry entry;
    };
    struct cached_acl
    {
        // (storage key, raw value at build time) of every policy that went into the ACL.
        std::vector<std::pair<std::string, std::string>> sources;
        std::shared_ptr<const acl> compiled;
    };
    struct cached_policy
    {
        std::string raw;
        std::shared_ptr<const policy> parsed;
    };
    std::shared_ptr<const policy> policy_of(const storage& st, const std::string& name, std::string& raw_out);

    std::unordered_map<std::string, cached_token> tokens_;
    std::unordered_map<std::string, cached_acl> acls_;
    std::unordered_map<std::string, cached_policy> policies_;
};

}  // namespace vsim

#endif
