// fork/exec with a pipe read through Asio; the deadline kills the process group (setpgid + kill(-pgid)) so a
// shell's children die with it.
#include "emissary/command.hpp"

#include "async/deadline.hpp"
#include "async/sleep.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vk::emissary {
namespace asio = boost::asio;
namespace {

constexpr std::size_t max_output = command_capture_bytes;

// Reads until EOF (every writer of the pipe, children included, has closed it).
asio::awaitable<void> drain(asio::posix::stream_descriptor& pipe, std::string& out)
{
    char buf[4096];
    for (;;)
    {
        boost::system::error_code ec;
        std::size_t n =
            co_await pipe.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
        out.append(buf, std::min(n, max_output - std::min(max_output, out.size())));
    }
}

// Waits for the leader's exit without blocking the io_context.
asio::awaitable<void> reap(pid_t pid, int& status, bool& reaped)
{
    for (;;)
    {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
        {
            reaped = true;
            co_return;
        }
        co_await sleep_for(std::chrono::milliseconds(5));
    }
}

asio::awaitable<void> drain_and_reap(asio::posix::stream_descriptor& pipe, std::string& out, pid_t pid,
                                     int& status, bool& reaped)
{
    co_await drain(pipe, out);
    co_await reap(pid, status, reaped);
}

[[noreturn]] void exec_child(int out_fd, std::vector<char*>& argv)
{
    ::setpgid(0, 0);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0)
        ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
}

}  // namespace

asio::awaitable<result<command_outcome>> run_command(const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout)
{
    if (args.empty())
        co_return make_error(errc::invalid_argument, "empty command");
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        co_return make_error(errc::io_error, std::string("pipe: ") + std::strerror(errno));
    pid_t pid = ::fork();
    if (pid == 0)
        exec_child(fds[1], argv);
    ::close(fds[1]);
    if (pid < 0)
    {
        ::close(fds[0]);
        co_return make_error(errc::io_error, std::string("fork: ") + std::strerror(errno));
    }
    ::setpgid(pid, pid);  // also in the child: whichever runs first, the group exists before any kill
    auto ex = co_await asio::this_coro::executor;
    asio::posix::stream_descriptor pipe(ex, fds[0]);
    command_outcome out;
    int status = 0;
    bool reaped = false;
    bool finished = co_await with_timeout(drain_and_reap(pipe, out.output, pid, status, reaped), timeout);
    if (!finished || !reaped)  // the deadline, or the cycle was cancelled: nothing of it may outlive us
    {
        out.timed_out = !finished;
        ::kill(-pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
        {
        }
    }
    if (WIFEXITED(status))
        out.exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        out.signal = WTERMSIG(status);
    co_return out;
}

}  // namespace vk::emissary
