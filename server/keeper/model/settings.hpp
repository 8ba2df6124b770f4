// A keeper job's configuration (kind "keeper"): the Vault it serves, its nodes, how to initialise it and
// where the shards live (the shard stores), with the placement rule checked at parse time.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_SETTINGS_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_SETTINGS_HPP

#include "cloud/model/object_storage_settings.hpp"
#include "core/config.hpp"
#include "core/config_reader.hpp"
#include "core/secret.hpp"
#include "keeper/model/custodians.hpp"
#include "keeper/model/envelope.hpp"
#include "keeper/model/kek_ring.hpp"

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vk::keeper {

// type "file": one encrypted file per object under `path`, AES-256-GCM under the current key of `kek`, or
// envelopes whose data keys another Vault's transit engine wraps (`transit`; then `kek` is empty).
struct file_store_settings
{
    std::string name;
    std::string path;
    kek_ring kek;  // read_kek(): one key, or current and previous ones
    std::optional<transit_kek> transit;
};

// type "kubernetes": one Secret per object in namespace `ns`, through `api_server` with `token` (inline form)
// or through the configured cluster it names (`"kubernetes": "<name>"`, a copy of that entry in `cluster`;
// then ns "" means the cluster's default namespace).
struct kubernetes_store_settings
{
    std::string name, api_server, ns;
    vk::secret token;
    std::optional<std::string> ca_file;
    std::optional<vk::kubernetes_config> cluster;
};

// type "s3", "gcs" or "azure": one object per keeper object at `<key_prefix><name>` in a bucket or container,
// sealed client-side (AES-256-GCM under the current key of `kek`, the name as additional data; or an envelope
// whose data key another Vault's transit engine wraps, `transit`, as for a file store) before upload.
// The service's keys (bucket, endpoint, region, key_prefix, credentials, server_side_encryption, ...) are a
// snapshot storage's, read by the same function (cloud/model/object_storage_settings). `cas` false: the
// service ignores conditional writes, so the store holds shards but never the state record (true: check()
// proves the service enforces them).
struct object_store_settings
{
    std::string name;
    cloud::object_storage_spec spec;  // s3_storage_settings, gcs_storage_settings or azure_storage_settings
    kek_ring kek;                     // read_kek(): one key, or current and previous ones
    std::optional<transit_kek> transit;
    bool cas = true;
};

using store_settings = std::variant<file_store_settings, kubernetes_store_settings, object_store_settings>;

const std::string& store_name(const store_settings& s);

enum class root_token_policy
{
    revoke,  // revoke the root token right after init
    store,   // keep it in the stores like a shard
};

struct init_settings
{
    int secret_shares = 5;
    int secret_threshold = 3;
    root_token_policy root_token = root_token_policy::revoke;
};

// A person who holds one share of every set, encrypted by Vault to their OpenPGP key: the keeper never
// sees it in clear. Each custodian's share is taken out of the stores' pool (placement.hpp).
struct custodian_settings
{
    std::string name;
    std::string pgp_public_key_file;
    openpgp_public_key key;  // the file's key, read at parse time
};

struct keeper_settings : vk::job_settings
{
    std::string vault;               // a configured vault (the active node / the cluster address)
    std::vector<std::string> nodes;  // node addresses; empty = from sys/storage/raft/configuration
    std::optional<init_settings> init;
    std::vector<store_settings> stores;
    std::vector<custodian_settings> custodians;
    bool custodians_can_recover = false;  // the custodians together must hold the threshold
    duration rekey_interval{0};           // 0 = only on request
    // How long objects may stay under a previous key-encryption key before VaultkeeperKeeperOldKek fires.
    duration kek_rotation_grace{std::chrono::hours(24)};
    // Where the job keeps what must outlive a restart on this machine (when objects under an old kek were
    // first seen: kek_since_file.hpp); "" = in memory only (a restart starts the grace again).
    std::string state_dir;
};

// The kind parser: every problem at its JSON pointer (unknown store type, a KEK that is not 32 bytes, a
// placement that breaks a rule of placement.hpp, unknown vault, a store at the directory or
// namespace of another store of this job or of an earlier keeper job: store_location.hpp).
std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg);

}  // namespace vk::keeper

#endif
