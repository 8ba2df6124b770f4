// The "file" shard store: one file per object in a directory, sealed by the store's sealer (AES-256-GCM under
// the key-encryption key, or a transit envelope) with the object name as additional data, written as temp
// file + fsync + rename + directory fsync, mode 0600. The version is the SHA-256 of the file's bytes;
// compare-and-swap holds because the check and the rename happen without a suspension in between (sealing,
// which may await a Vault, comes first) on the job's single-threaded executor (one writer per directory).
#ifndef VAULTKEEPER_SERVER_KEEPER_FILE_STORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_FILE_STORE_HPP

#include "keeper/model/settings.hpp"
#include "keeper/object_sealer.hpp"
#include "keeper/shard_store.hpp"

#include <memory>

namespace vk::keeper {

// `sealer` seals and opens every object (make_sealer() of the same settings); none: the settings' key ring.
std::shared_ptr<shard_store> make_file_store(const file_store_settings& settings,
                                             std::shared_ptr<object_sealer> sealer = nullptr);

}  // namespace vk::keeper

#endif
