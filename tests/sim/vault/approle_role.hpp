// AppRole role records: storage form, defaults, and the role/<name> and role-id endpoints.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_APPROLE_ROLE_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_APPROLE_ROLE_HPP

#include <optional>
#include <string>
#include <vector>

#include "call.hpp"
#include "role_tokens.hpp"

namespace vsim::approle {

struct role : role_token_fields
{
    std::string role_id;
    std::int64_t secret_id_ttl = 0;
    std::int64_t secret_id_num_uses = 0;
    bool bind_secret_id = true;
};

std::optional<role> load_role(const storage& st, const mount_entry& m, const std::string& name);
// role/<name>: GET, POST (create or update), DELETE.
response role_crud(call& c, const std::string& name);
// role/<name>/role-id POST: sets a custom role id.
response set_role_id(call& c, const std::string& name, role r);

}  // namespace vsim::approle

#endif
