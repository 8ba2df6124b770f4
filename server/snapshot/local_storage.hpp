// The `local` snapshot storage: a directory. Writes are atomic (temp file, fsync, rename, fsync of the
// directory) and each snapshot's SHA-256 sits next to it in "<name>.sha256" (written first, so a listed
// snapshot always has it). Files are copied in slices with a yield between them so a large copy never
// holds the event loop for long.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_LOCAL_STORAGE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_LOCAL_STORAGE_HPP

#include "snapshot/model/settings.hpp"
#include "snapshot/snapshot_storage.hpp"

#include <memory>

namespace vk::snapshot {

// errc::io_error with the path for every file system failure; download of a missing object is not_found.
std::unique_ptr<snapshot_storage> make_local_storage(const local_storage_settings& s);

}  // namespace vk::snapshot

#endif
