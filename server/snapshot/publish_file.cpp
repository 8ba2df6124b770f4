// Atomic file publication (see atomic_file.hpp).
#include "snapshot/atomic_file.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace vk::snapshot {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t slice = 8 << 20;

error io_error(const std::string& what, const fs::path& p, int err = errno)
{
    return make_error(errc::io_error, what + ": " + std::strerror(err), {}, p.string());
}

result<void> sync_directory(const fs::path& dir)
{
    const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool ok = d >= 0 && ::fsync(d) == 0;
    const int err = errno;
    if (d >= 0)
        ::close(d);
    if (!ok)
        return io_error("fsync of directory", dir, err);
    return {};
}

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

atomic_file::atomic_file(fs::path final_path, fs::path temp, int fd)
    : final_(std::move(final_path)),
      temp_(std::move(temp)),
      fd_(fd)
{
}

atomic_file::atomic_file(atomic_file&& o) noexcept
    : final_(std::move(o.final_)),
      temp_(std::move(o.temp_)),
      fd_(std::exchange(o.fd_, -1)),
      published_(std::exchange(o.published_, true))
{
}

atomic_file::~atomic_file()
{
    if (fd_ >= 0)
        ::close(fd_);
    if (!published_)
        ::unlink(temp_.c_str());
}

result<atomic_file> atomic_file::create(const fs::path& final_path)
{
    static std::atomic<unsigned> counter{0};
    auto temp = final_path.parent_path() / ("." + final_path.filename().string() + ".tmp-" +
                                            std::to_string(::getpid()) + "-" + std::to_string(counter++));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error("create", temp);
    return atomic_file(final_path, std::move(temp), fd);
}

result<void> atomic_file::write(std::string_view data)
{
    while (!data.empty())
    {
        const auto w = ::write(fd_, data.data(), data.size());
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return io_error("write", temp_);
        data.remove_prefix(static_cast<std::size_t>(w));
    }
    return {};
}

asio::awaitable<result<void>> atomic_file::copy_from(fs::path from)
{
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        co_return io_error("open", from);
    struct closer
    {
        int fd;
        ~closer() { ::close(fd); }
    } guard{in};
    auto ex = co_await asio::this_coro::executor;
    for (;;)
    {
        // copy_file_range stays in the kernel; a slice at a time, then other coroutines run.
        const auto n = ::copy_file_range(in, nullptr, fd_, nullptr, slice, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            co_return io_error("copy", final_);
        if (n == 0)
            co_return result<void>{};
        co_await asio::post(ex, asio::use_awaitable);
    }
}

result<void> atomic_file::publish(on_existing existing)
{
    if (::fsync(fd_) != 0)
        return io_error("fsync", temp_);
    ::close(std::exchange(fd_, -1));
    const bool replace = existing == on_existing::replace;
    if ((replace ? ::rename(temp_.c_str(), final_.c_str()) : rename_noreplace(temp_, final_)) != 0)
    {
        if (errno == EEXIST)
            return make_error(errc::conflict, "already exists; not overwritten", {}, final_.string());
        return io_error("rename", final_);
    }
    published_ = true;
    return sync_directory(final_.parent_path());
}

result<void> write_file_atomically(const fs::path& to, std::string_view data)
{
    auto f = atomic_file::create(to);
    if (!f)
        return f.error();
    if (auto r = f->write(data); !r)
        return r;
    return f->publish();
}

asio::awaitable<result<void>> copy_file_atomically(fs::path from, fs::path to, on_existing existing)
{
    auto f = atomic_file::create(to);
    if (!f)
        co_return f.error();
    if (auto r = co_await f->copy_from(from); !r)
        co_return r;
    co_return f->publish(existing);
}

}  // namespace vk::snapshot
