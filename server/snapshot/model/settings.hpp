// A snapshot job's configuration (kind "snapshot"): where the snapshot comes from (a vault, leader or
// per-node mode), how it is named, spooled and optionally encrypted, and the storages it goes to, each with
// its own retention. The Lucretius agent's snapshot.json maps onto the same settings (agent_config.hpp).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_SETTINGS_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_SETTINGS_HPP

#include "cloud/model/object_storage_settings.hpp"
#include "core/config.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vk::snapshot {

enum class take_mode
{
    leader,    // find the active node through sys/leader and take the snapshot there
    per_node,  // take it only when the configured node is the active one (is_self), else skip the cycle
};

// How the time goes into a name: "2026-11-30T12-00-00Z" (UTC, seconds), or Unix nanoseconds as the
// Lucretius agent writes them ("raft_snapshot-1668767067323825425.snap").
enum class timestamp_style
{
    utc,
    unix_nano,
};

// Object names: prefix + timestamp + suffix (naming.hpp).
struct name_format
{
    std::string prefix = "raft-snapshot-";
    std::string suffix = ".snap";
    timestamp_style style = timestamp_style::utc;
    bool operator==(const name_format&) const = default;
};

// Keep the newest `retain` snapshots (0 = no count limit) and none older than `max_age` (when set).
struct retention
{
    std::size_t retain = 0;
    std::optional<duration> max_age;
};

struct local_storage_settings
{
    std::string name;
    std::string path;  // directory; snapshots are written into it atomically (temp + fsync + rename)
};

// The object storages' own settings live in cloud/model (the keeper's object shard stores take them too).
using cloud::azure_storage_settings;
using cloud::gcs_storage_settings;
using cloud::s3_server_side_encryption;
using cloud::s3_storage_settings;

using storage_spec =
    std::variant<local_storage_settings, s3_storage_settings, azure_storage_settings, gcs_storage_settings>;

struct storage_settings
{
    std::string name;  // unique in the job; metric label and API name
    storage_spec spec;
    snapshot::retention retention;
};

// decrypt_with: the PEM certificate and private key of an encrypt_for recipient.
struct decrypt_key_files
{
    std::string cert_file;
    std::string key_file;
};

struct snapshot_settings : vk::job_settings
{
    std::string vault;  // a configured vault (by name)
    take_mode mode = take_mode::leader;
    std::string spool_dir = "/var/lib/vaultkeeper/spool";
    snapshot::name_format name_format;
    std::optional<std::string> encrypt_for_cert_file;  // X.509 recipient (PEM) of the CMS envelope
    std::optional<decrypt_key_files> decrypt_with;     // what opens the envelopes for restores and drills
    bool allow_restore = false;
    // Bytes a restore may write into the spool (default: its free space); below what a one-pass restore
    // writes, restores take two streamed passes instead (model/restore_plan.hpp). 0 always streams.
    std::optional<std::uint64_t> restore_spool_limit;
    std::vector<storage_settings> storages;

    const storage_settings* find_storage(std::string_view name) const;
};

// The kind parser: every problem at its JSON pointer. With "agent_config" the storages, retention and vault
// address come from a Lucretius snapshot.json (its problems are reported as "<file>: /pointer: ...").
std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg);

}  // namespace vk::snapshot

#endif
