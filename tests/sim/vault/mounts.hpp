// The mount tables (secret engines in "core/mounts", auth methods in "core/auth") and longest-prefix routing.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_MOUNTS_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_MOUNTS_HPP

#include <string>
#include <string_view>
#include <vector>

#include "storage.hpp"
#include "vault_json.hpp"

namespace vsim {

struct mount_entry
{
    // Table path with trailing '/': "secret/" for engines, "approle/" for auth methods.
    std::string path;
    // kv, generic, cubbyhole, identity, system, token, approle, database, pki, transit.
    std::string type;
    // options.version for kv ("1" or "2"); empty means options is null.
    std::string version;
    std::string uuid;
    std::string accessor;
    std::string description;
    bool local = false;
    bool seal_wrap = false;
    bool auth = false;

    // Router path: "secret/" or "auth/approle/".
    std::string route() const { return auth ? "auth/" + path : path; }
    bool kv_v2() const { return type == "kv" && version == "2"; }
    // The mount_type field of responses served by this mount.
    std::string_view mount_type() const { return type == "system" ? std::string_view("system") : type; }
    // Storage prefix of this mount's own data.
    std::string data_prefix() const { return (auth ? "auth/" : "logical/") + uuid + "/"; }
};

json::object mount_to_json(const mount_entry& m);

class mount_table
{
public:
    // Re-reads both tables from storage if their stored JSON changed since the last call (cheap otherwise).
    void sync(const storage& st);
    void save(storage& st) const;

    // Longest mount whose route prefixes path (path has no leading '/'); nullptr if none.
    const mount_entry* route(std::string_view path) const;
    const mount_entry* find(std::string_view table_path, bool auth) const;
    const std::vector<mount_entry>& all() const { return mounts_; }

    // Adds a mount (uuid/accessor generated when empty). Returns an error message when the path conflicts.
    std::optional<std::string> add(mount_entry m);
    bool remove(std::string_view table_path, bool auth);
    // Changes options.version of an engine mount (KV v1 -> v2 upgrade through tune).
    bool set_version(std::string_view table_path, std::string version);

private:
    std::vector<mount_entry> mounts_;
    std::string raw_engines_;
    std::string raw_auth_;
};

// A mount as a fresh Vault has it (cubbyhole, identity, sys, token; secret/ kv v2 in dev mode).
mount_entry default_mount(std::string path, std::string type, std::string description, bool auth = false);
std::string normalize_mount_path(std::string_view p);

}  // namespace vsim

#endif
