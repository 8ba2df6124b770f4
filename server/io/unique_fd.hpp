// A file descriptor that is closed exactly once, on every exit path (an error, a cancelled coroutine's
// frame).
#ifndef VAULTKEEPER_SERVER_IO_UNIQUE_FD_HPP
#define VAULTKEEPER_SERVER_IO_UNIQUE_FD_HPP

#include <unistd.h>
#include <utility>

namespace vk::io {

class unique_fd
{
public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept
        : fd_(fd)
    {
    }
    unique_fd(unique_fd&& o) noexcept
        : fd_(o.release())
    {
    }
    unique_fd& operator=(unique_fd&& o) noexcept
    {
        reset(o.release());
        return *this;
    }
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    // Gives the descriptor up without closing it (to close it yourself and see close's result).
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace vk::io

#endif
