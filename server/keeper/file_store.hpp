// The "file" shard store: one file per object in a directory, AES-256-GCM under the key-encryption key with
// the object name as additional data, written as temp file + fsync + rename + directory fsync, mode 0600.
// The version is the SHA-256 of the file's bytes; compare-and-swap holds because the check and the rename
// happen without a suspension in between on the job's single-threaded executor (one writer per directory).
#ifndef VAULTKEEPER_SERVER_KEEPER_FILE_STORE_HPP
#define VAULTKEEPER_SERVER_KEEPER_FILE_STORE_HPP

#include "keeper/model/settings.hpp"
#include "keeper/shard_store.hpp"

#include <memory>

namespace vk::keeper {

std::shared_ptr<shard_store> make_file_store(const file_store_settings& settings);

}  // namespace vk::keeper

#endif
