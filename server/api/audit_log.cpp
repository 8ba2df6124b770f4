// Appending audit lines: open (0600, append-only), write, fsync, all on the blocking pool.
#include "api/audit_log.hpp"

#include "async/blocking.hpp"
#include "io/errno_error.hpp"
#include "io/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace vk::api {

struct audit_log::file
{
    std::string path;
    io::unique_fd fd;
};

audit_log::audit_log(audit_config c)
    : config_(std::move(c))
{
}

audit_log::~audit_log() = default;

void audit_log::configure(audit_config c)
{
    config_ = std::move(c);
    reopen();
}

void audit_log::reopen()
{
    open_.reset();  // a write in progress keeps its own reference; the next line opens the path again
    ++generation_;
}

boost::asio::awaitable<result<void>> audit_log::append(std::string line)
{
    if (!enabled())
        co_return result<void>{};
    const auto generation = generation_;
    auto f = open_;
    if (!f)
        f = std::make_shared<file>(file{config_.file, {}});
    result<void> done;
    co_await run_blocking([&] {
        if (f->fd.get() < 0)
        {
            f->fd.reset(::open(f->path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
            if (f->fd.get() < 0)
            {
                done = io::errno_error("open the audit file", f->path);
                return;
            }
        }
        if (::write(f->fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            done = io::errno_error("write the audit file", f->path);
        else if (::fsync(f->fd.get()) != 0)
            done = io::errno_error("fsync the audit file", f->path);
    });
    if (done && f->fd.get() >= 0 && generation == generation_)
        open_ = f;
    else if (!done)
        open_.reset();  // try a fresh open next time
    co_return done;
}

}  // namespace vk::api
