// Atomic file publication (see atomic_file.hpp).
#include "io/atomic_file.hpp"
#include "io/errno_error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <utility>

namespace vk::io {
namespace fs = std::filesystem;

namespace {

// Renames `from` to `to` unless `to` exists (EEXIST then). Falls back to link + unlink where the file system
// has no RENAME_NOREPLACE (EINVAL): link never replaces either.
int rename_noreplace(const fs::path& from, const fs::path& to)
{
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (::link(from.c_str(), to.c_str()) != 0)
        return -1;
    ::unlink(from.c_str());
    return 0;
}

}  // namespace

atomic_file::atomic_file(fs::path final_path, fs::path temp, unique_fd fd)
    : final_(std::move(final_path)),
      temp_(std::move(temp)),
      fd_(std::move(fd))
{
}

atomic_file::atomic_file(atomic_file&& o) noexcept
    : final_(std::move(o.final_)),
      temp_(std::move(o.temp_)),
      fd_(std::move(o.fd_)),
      published_(std::exchange(o.published_, true))
{
}

atomic_file::~atomic_file()
{
    fd_.reset();
    if (!published_)
        ::unlink(temp_.c_str());
}

fs::path atomic_file::abandon() noexcept
{
    fd_.reset();
    if (std::exchange(published_, true))
        return {};
    return temp_;
}

result<atomic_file> atomic_file::create(fs::path final_path, fs::path temp, int extra_flags)
{
    unique_fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | extra_flags, 0600));
    if (!fd)
        return io::errno_error("create", temp);
    return atomic_file(std::move(final_path), std::move(temp), std::move(fd));
}

result<void> atomic_file::write(std::string_view data)
{
    while (!data.empty())
    {
        const auto w = ::write(fd_.get(), data.data(), data.size());
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return io::errno_error("write", temp_);
        data.remove_prefix(static_cast<std::size_t>(w));
    }
    return {};
}

result<void> atomic_file::sync()
{
    if (!fd_)
        return {};
    if (::fsync(fd_.get()) != 0)
        return io::errno_error("fsync", temp_);
    fd_.reset();
    return {};
}

result<void> atomic_file::publish(on_existing existing)
{
    if (auto s = sync(); !s)
        return s;
    const bool replace = existing == on_existing::replace;
    if ((replace ? ::rename(temp_.c_str(), final_.c_str()) : rename_noreplace(temp_, final_)) != 0)
    {
        if (!replace && errno == EEXIST)
            return make_error(errc::conflict, "already exists; not overwritten", {}, final_.string());
        return io::errno_error("rename", final_);
    }
    published_ = true;
    return sync_directory(final_.parent_path());
}

result<void> sync_directory(const fs::path& dir)
{
    const unique_fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!d)
        return io::errno_error("open directory", dir);
    if (::fsync(d.get()) != 0)
        return io::errno_error("fsync directory", dir);
    return {};
}

}  // namespace vk::io
