// A file written under a temporary name next to its final path and published by fsync + rename + directory
// fsync, so readers see all of it or nothing; dropped unpublished (an error, a cancelled coroutine), the temp
// file is removed. The one implementation of that sequence: the snapshot kind, the emissary and the keeper's
// file store each name their temp files their own way (their clean-up of crashed writes looks for those
// names), so the caller chooses the name. Blocking calls; errors are errc::io_error "<step>: <strerror>" with
// the path the step was about.
#ifndef VAULTKEEPER_SERVER_IO_ATOMIC_FILE_HPP
#define VAULTKEEPER_SERVER_IO_ATOMIC_FILE_HPP

#include "core/error.hpp"
#include "io/unique_fd.hpp"

#include <filesystem>
#include <string_view>

namespace vk::io {

// What publication does when the final path already exists.
enum class on_existing
{
    replace,  // rename over it
    refuse,   // errc::conflict; the existing file stays as it was
};

class atomic_file
{
public:
    // Creates `temp` (which must not exist: O_EXCL) with mode 0600, opened with O_WRONLY | O_CLOEXEC and
    // `extra_flags` (O_NOFOLLOW...). `temp` belongs in `final_path`'s directory: rename does not cross file
    // systems.
    static result<atomic_file> create(std::filesystem::path final_path, std::filesystem::path temp,
                                      int extra_flags = 0);

    atomic_file(atomic_file&& o) noexcept;
    atomic_file& operator=(atomic_file&&) = delete;
    ~atomic_file();

    result<void> write(std::string_view data);
    // fsync and close: the bytes are durable, the file is no longer written (publish does it when not done).
    result<void> sync();
    // sync, rename to the final path, fsync of the directory. With on_existing::refuse the rename is
    // renameat2(RENAME_NOREPLACE), or link + unlink where the file system lacks it: an existing final path
    // is errc::conflict and the temp file is removed when this object goes.
    result<void> publish(on_existing existing = on_existing::replace);

    // The open descriptor (fchmod, fchown, copy_file_range); -1 after sync.
    int fd() const noexcept { return fd_.get(); }
    const std::filesystem::path& temp_path() const noexcept { return temp_; }
    const std::filesystem::path& final_path() const noexcept { return final_; }
    // Closes the file and leaves it unpublished where it is, for a caller that removes it elsewhere (a file
    // of GiB, which the kernel may take seconds to free, off the io thread): its temp path, empty once
    // published.
    std::filesystem::path abandon() noexcept;

private:
    atomic_file(std::filesystem::path final_path, std::filesystem::path temp, unique_fd fd);
    std::filesystem::path final_;
    std::filesystem::path temp_;
    unique_fd fd_;
    bool published_ = false;
};

// fsync of a directory, so a rename or unlink in it survives a crash.
result<void> sync_directory(const std::filesystem::path& dir);

}  // namespace vk::io

#endif
