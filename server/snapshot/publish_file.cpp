// The snapshot kind's file publication (see publish_file.hpp).
#include "snapshot/publish_file.hpp"

#include "async/blocking.hpp"
#include "io/errno_error.hpp"
#include "io/unique_fd.hpp"
#include "snapshot/disk_batch.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <utility>

namespace vk::snapshot {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t slice = 8 << 20;

}  // namespace

result<io::atomic_file> create_atomic_file(const fs::path& final_path)
{
    static std::atomic<unsigned> counter{0};
    auto temp = final_path.parent_path() / ("." + final_path.filename().string() + ".tmp-" +
                                            std::to_string(::getpid()) + "-" + std::to_string(counter++));
    return io::atomic_file::create(final_path, std::move(temp));
}

asio::awaitable<result<void>> copy_into(io::atomic_file& to, fs::path from)
{
    const io::unique_fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in)
        co_return io::errno_error("open", from);
    // copy_file_range stays in the kernel; a slice at a time on the blocking pool, where a disk that
    // throttles the writes makes this copy wait, not the io thread.
    bool done = false;
    while (!done)
    {
        auto r = co_await on_pool([&]() -> result<void> {
            const auto n = ::copy_file_range(in.get(), nullptr, to.fd(), nullptr, slice, 0);
            if (n < 0 && errno != EINTR)
                return io::errno_error("copy", to.final_path());
            done = n == 0;
            return {};
        });
        if (!r)
            co_return r;
    }
    co_return result<void>{};
}

asio::awaitable<void> unlink_on_pool(fs::path path)
{
    co_await run_blocking([&] { ::unlink(path.c_str()); });
}

void unlink_later(fs::path path)
{
    run_detached_blocking([path] { ::unlink(path.c_str()); });
}

asio::awaitable<void> remove_on_exit::remove_now()
{
    co_await unlink_on_pool(std::exchange(path, {}));
}

remove_on_exit::~remove_on_exit()
{
    if (path.empty())  // removed already
        return;
    static std::atomic<unsigned> counter{0};
    std::error_code ec;
    auto doomed = path.parent_path() / ("." + path.filename().string() + ".removing-" +
                                        std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::rename(path, doomed, ec);
    if (ec)  // not there: never made, or a failure before it was
        return;
    unlink_later(doomed);
}

unlink_off_thread::~unlink_off_thread()
{
    if (auto temp = file.abandon(); !temp.empty())
        unlink_later(temp);
}

result<void> write_file_atomically(const fs::path& to, std::string_view data)
{
    auto f = create_atomic_file(to);
    if (!f)
        return f.error();
    if (auto r = f->write(data); !r)
        return r;
    return f->publish();
}

asio::awaitable<result<void>> copy_file_atomically(fs::path from, fs::path to, on_existing existing)
{
    auto f = create_atomic_file(to);
    if (!f)
        co_return f.error();
    const unlink_off_thread guard{*f};
    if (auto r = co_await copy_into(*f, from); !r)
        co_return r;
    co_return co_await on_pool([&] { return f->publish(existing); });
}

}  // namespace vk::snapshot
