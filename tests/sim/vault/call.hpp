// One routed logical request as the engines see it: storage, caller, mount and the path below the mount.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_CALL_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_CALL_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "logical.hpp"
#include "mounts.hpp"

namespace vsim {

struct token_entry;

struct call
{
    storage& st;
    const request& req;
    clock::time_point now;
    std::int64_t now_ns;
    const mount_entry& mount;
    // Path below the mount ("data/foo" for secret/data/foo); for lists it ends with '/'.
    std::string_view rel;
    // The authenticated caller; nullptr on unauthenticated paths (approle login).
    const token_entry* token;
    // req.op with "create"/"update" resolved by the existence check.
    std::string op;
};

}  // namespace vsim

#endif
