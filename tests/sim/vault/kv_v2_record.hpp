// KV v2 key record: metadata plus every version, stored compactly as one JSON entry per key.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_RECORD_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_KV_V2_RECORD_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "storage.hpp"
#include "vault_json.hpp"

namespace vsim::kv2 {

struct version
{
    std::int64_t created_ns = 0;
    // 0 = not deleted; may lie in the future (delete_version_after).
    std::int64_t deletion_ns = 0;
    bool destroyed = false;
    json::value data;

    bool deleted_at(std::int64_t now_ns) const { return deletion_ns != 0 && deletion_ns <= now_ns; }
};

struct record
{
    bool cas_required = false;
    std::int64_t max_versions = 0;
    std::int64_t delete_version_after = 0;
    json::value custom_metadata;
    std::int64_t created_ns = 0;
    std::int64_t updated_ns = 0;
    std::int64_t current_version = 0;
    std::int64_t oldest_version = 0;
    std::map<std::int64_t, version> versions;
};

// Mount-wide settings of secret/config.
struct config
{
    std::int64_t max_versions = 0;
    bool cas_required = false;
    std::int64_t delete_version_after = 0;
};

std::string key_prefix(const std::string& mount_prefix);
std::optional<record> load(const storage& st, const std::string& key);
void save(storage& st, const std::string& key, const record& r);
config load_config(const storage& st, const std::string& mount_prefix);
void save_config(storage& st, const std::string& mount_prefix, const config& c);

// Drops the oldest versions beyond the effective limit (key setting, else mount setting, else 10).
void prune(record& r, const config& c);
// {created_time, custom_metadata, deletion_time, destroyed, version} of one version.
json::object version_metadata(const record& r, std::int64_t v);
// The metadata/ read body.
json::object metadata_json(const record& r);

// The stored form of a fresh one-version record, built without a JSON DOM (bulk loading).
std::string synthetic_record(std::int64_t now_ns, std::string_view data_json);

}  // namespace vsim::kv2

#endif
