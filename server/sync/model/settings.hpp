// A sync job's configuration (kind "sync"): its role, the Vault/Consul pair of each side, and the knobs of
// the walk, the copy and the deletion guard.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_SETTINGS_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_SETTINGS_HPP

#include "core/config.hpp"
#include "sync/model/transform.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vk::sync {

enum class role
{
    origin,       // publishes insights of the origin Vault in the origin Consul
    destination,  // copies what changed from the origin Vault to its own Vault
};

// One side: a configured vault and consul (by name), the KV mounts and the Consul sync path prefix.
struct side_config
{
    std::string vault;
    std::string consul;
    std::vector<std::string> mounts;   // "secret/" (trailing slash added when missing); origin only
    std::string sync_path = "vsync/";  // vsync's syncPath; "origin/" or "destination/" is appended
};

struct sync_settings : vk::job_settings
{
    sync::role role = sync::role::origin;
    side_config origin;
    side_config destination;   // destination role only
    std::size_t buckets = 1;   // origin: bucket count (vsync's numBuckets); destinations adopt the origin's
    std::size_t workers = 16;  // requests in flight
    double max_requests_per_second = 0;  // to the origin Vault; 0 = unlimited
    std::vector<transform_config> transforms;
    transform_pack pack;  // transforms, compiled
    bool ignore_deletes = false;
    double max_delete_percent = 20.0;
    bool repair = false;
    bool watch = true;  // destination: a blocking query on the origin index starts a cycle on change
    // An approval of held deletes (destination) or of a held publish (origin) unused this long expires.
    std::chrono::milliseconds approval_ttl = std::chrono::hours(1);
    // Destination: waiting this long for an origin's first publish raises an alert (until then it is a
    // state).
    std::chrono::milliseconds origin_grace = std::chrono::minutes(10);
    // Origin: a walk with more than this percentage fewer insights than the last published set is held.
    double max_publish_drop_percent = 20.0;
    // Keys the HMAC of KV v1 insights (sync/model/kv_v1.hpp); the same on the origin and its destinations.
    std::optional<vk::secret> kv_v1_insight_key;

    // "<sync_path>origin/" and "<sync_path>destination/".
    std::string origin_prefix() const { return origin.sync_path + "origin/"; }
    std::string destination_prefix() const { return destination.sync_path + "destination/"; }
};

// The kind parser: every problem is reported with its JSON pointer (unknown vault, bad regex...).
std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg);

}  // namespace vk::sync

#endif
