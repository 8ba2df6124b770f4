// Reading one `storages` entry of a snapshot job (and its type's keys) into storage_settings.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_STORAGE_SETTINGS_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_STORAGE_SETTINGS_HPP

#include "snapshot/model/settings.hpp"

#include <optional>

namespace vk::snapshot {

// Problems at their pointers; nullopt when the entry is unusable (no name or type).
std::optional<storage_settings> read_storage(object_reader& r);

// The keys of one storage type ("local", "s3", "azure", "gcs": anything else reads "local"), named `name`;
// also how the keeper reads its s3 / gcs / azure shard stores, so both kinds take the same JSON.
storage_spec read_spec(object_reader& r, const std::string& type, const std::string& name);

// "local", "s3", "azure" or "gcs".
std::string_view type_name(const storage_spec& spec);

}  // namespace vk::snapshot

#endif
