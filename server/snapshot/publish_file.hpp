// A file written under a temporary name next to its final path and published by fsync + rename + directory
// fsync, so readers see all of it or nothing; dropped unpublished (error, cancellation), it is removed.
// Publication either replaces what is at the final path or refuses to (a snapshot is never overwritten).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_ATOMIC_FILE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_ATOMIC_FILE_HPP

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <string_view>

namespace vk::snapshot {

// What publication does when the final path already exists.
enum class on_existing
{
    replace,  // rename over it
    refuse,   // errc::conflict; the existing file stays as it was
};

class atomic_file
{
public:
    // Creates "<dir>/.<name>.tmp-<pid>-<n>" with mode 0600. errc::io_error with the path.
    static result<atomic_file> create(const std::filesystem::path& final_path);

    atomic_file(atomic_file&& o) noexcept;
    atomic_file& operator=(atomic_file&&) = delete;
    ~atomic_file();

    result<void> write(std::string_view data);
    // Copies the file `from` in, a slice at a time, yielding to other coroutines between slices.
    boost::asio::awaitable<result<void>> copy_from(std::filesystem::path from);
    // fsync, rename to the final path, fsync of the directory. With on_existing::refuse the rename is
    // renameat2(RENAME_NOREPLACE), or link + unlink where the file system lacks it: an existing final path
    // is errc::conflict and the temp file is removed when this object goes.
    result<void> publish(on_existing existing = on_existing::replace);

    int fd() const noexcept { return fd_; }
    const std::filesystem::path& temp_path() const noexcept { return temp_; }

private:
    atomic_file(std::filesystem::path final_path, std::filesystem::path temp, int fd);
    std::filesystem::path final_;
    std::filesystem::path temp_;
    int fd_ = -1;
    bool published_ = false;
};

// Removes a file when it goes out of scope (an error, a cancelled coroutine's frame, the end of a cycle).
struct remove_on_exit
{
    std::filesystem::path path;
    ~remove_on_exit()
    {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

// Writes `data` to `to` atomically (small files: sidecars), replacing what is there.
result<void> write_file_atomically(const std::filesystem::path& to, std::string_view data);

// Copies `from` to `to` atomically; see atomic_file::publish for `existing`.
boost::asio::awaitable<result<void>> copy_file_atomically(std::filesystem::path from,
                                                          std::filesystem::path to,
                                                          on_existing existing = on_existing::replace);

}  // namespace vk::snapshot

#endif
