// How the snapshot kind publishes a file (the spool's download, a copy into the local storage, a sidecar):
// through io::atomic_file, under a temp name the storage never lists (".<name>.tmp-<pid>-<n>"), either
// replacing what is at the final path or refusing to (a snapshot is never overwritten).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_PUBLISH_FILE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_PUBLISH_FILE_HPP

#include "core/error.hpp"
#include "io/atomic_file.hpp"

#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <string_view>

namespace vk::snapshot {

using io::on_existing;

// Creates "<dir>/.<name>.tmp-<pid>-<n>" with mode 0600 for `final_path`. errc::io_error with the path.
result<io::atomic_file> create_atomic_file(const std::filesystem::path& final_path);

// Copies the file `from` into `to`, a slice at a time, yielding to other coroutines between slices.
boost::asio::awaitable<result<void>> copy_into(io::atomic_file& to, std::filesystem::path from);

// Unlinks `path` on the blocking pool: freeing a file of GiB can take the kernel seconds, never on the io
// thread. unlink_on_pool waits for it (a cycle ends with its spool empty); unlink_later does not (an error or
// cancellation path, where nobody waits). A missing file is no error.
boost::asio::awaitable<void> unlink_on_pool(std::filesystem::path path);
void unlink_later(std::filesystem::path path);

// Removes a file: at the end of a cycle with remove_now(), else when it goes out of scope (an error, a
// cancelled coroutine's frame). Freeing a multi-GiB file can take the kernel seconds, never on the io thread:
// remove_now() unlinks it on the blocking pool while its caller waits; the destructor renames it out of the
// way at once (so a new file of the same name is safe) and unlinks it there unwaited (a restart's clean_spool
// removes one a killed process left).
struct remove_on_exit
{
    std::filesystem::path path;
    boost::asio::awaitable<void> remove_now();
    ~remove_on_exit();
};

// Dropped unpublished, a spool or storage file (GiB) is unlinked on the blocking pool, unwaited, as
// remove_on_exit's. Declared after the file it guards, so it goes first.
struct unlink_off_thread
{
    io::atomic_file& file;
    ~unlink_off_thread();
};

// Writes `data` to `to` atomically (small files: sidecars), replacing what is there.
result<void> write_file_atomically(const std::filesystem::path& to, std::string_view data);

// Copies `from` to `to` atomically; see io::atomic_file::publish for `existing`.
boost::asio::awaitable<result<void>> copy_file_atomically(std::filesystem::path from,
                                                          std::filesystem::path to,
                                                          on_existing existing = on_existing::replace);

}  // namespace vk::snapshot

#endif
