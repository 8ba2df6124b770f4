// The `local` snapshot storage: a directory, created at the job's start (mode 0700, parents too) and never
// afterwards (a directory that vanished, an unmounted volume, is an error, not a new empty folder). Writes
// are atomic (temp file, fsync, rename, fsync of the directory); a snapshot never replaces a file of the same
// name (RENAME_NOREPLACE, or link + unlink). Its SHA-256 sits next to it in "<name>.sha256", written after
// the snapshot, so an interrupted upload leaves no sidecar without its snapshot; sidecars a crash or a
// removal orphaned are removed by remove_orphans. Files are copied in slices with a yield between them so a
// large copy never holds the event loop for long.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_LOCAL_STORAGE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_LOCAL_STORAGE_HPP

#include "snapshot/model/settings.hpp"
#include "snapshot/snapshot_storage.hpp"

#include <memory>

namespace vk::snapshot {

// errc::io_error with the path for every file system failure; an existing object at upload is
// errc::conflict; download of a missing object is not_found.
std::unique_ptr<snapshot_storage> make_local_storage(const local_storage_settings& s);

}  // namespace vk::snapshot

#endif
