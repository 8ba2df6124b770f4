// The command's lifetime: a cancelled run (a cancelled cycle) returns only once the command's whole process
// group is killed and reaped, and a daemon killed with SIGKILL takes its commands with it (the supervisor).
#include "async_test.hpp"
#include "emissary/command.hpp"
#include "process_state.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace vk::emissary {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

// A shell that writes its own pid and its background child's to `pidfile` (atomically), then waits.
std::vector<std::string> shell_with_a_child(const fs::path& pidfile)
{
    std::string tmp = pidfile.string() + ".tmp";
    return {"/bin/sh", "-c",
            "echo $$ > " + tmp + "; sleep 30 & echo $! >> " + tmp + "; mv " + tmp + " " + pidfile.string() +
                "; wait"};
}

std::vector<pid_t> read_pids(const fs::path& pidfile)
{
    std::vector<pid_t> pids;
    std::ifstream in(pidfile);
    for (pid_t p; in >> p;)
        pids.push_back(p);
    return pids;
}

// No such process at all: dead and reaped (a zombie still answers kill(pid, 0)).
bool gone(pid_t pid)
{
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

fs::path temp_pidfile(const std::string& name)
{
    auto p = fs::temp_directory_path() / ("vk-" + name + "-" + std::to_string(::getpid()));
    fs::remove(p);
    return p;
}

ASYNC_TEST(emissary_command, a_cancelled_run_returns_only_once_the_group_is_killed_and_reaped)
{
    auto pidfile = temp_pidfile("cancelled-command");
    auto ex = co_await asio::this_coro::executor;
    asio::cancellation_signal cancel;
    bool done = false;
    std::vector<pid_t> gone_when_done;
    std::vector<pid_t> pids;
    asio::co_spawn(
        ex, run_command(shell_with_a_child(pidfile), 60s),
        asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr, result<command_outcome>) {
            done = true;
            for (pid_t p : pids)
                if (gone(p))
                    gone_when_done.push_back(p);
        }));
    EXPECT_TRUE(co_await vk::test::eventually([&] { return fs::exists(pidfile); }, 5s));
    pids = read_pids(pidfile);
    EXPECT_EQ(pids.size(), 2u);
    cancel.emit(asio::cancellation_type::terminal);
    EXPECT_TRUE(co_await vk::test::eventually([&] { return done; }, 5s));
    // The leader and its background child: neither alive nor a zombie by the time run_command returned.
    EXPECT_EQ(gone_when_done, pids);
    for (pid_t p : pids)
        if (!gone(p))
            ::kill(p, SIGKILL);  // don't leave it behind when the test fails
    fs::remove(pidfile);
}

// A "daemon" (a child process running run_command on its own io_context) killed with SIGKILL: its command
// and the command's child die at once, instead of running on for their 30 s.
TEST(emissary_command, a_daemon_killed_with_sigkill_takes_its_command_group_with_it)
{
    auto pidfile = temp_pidfile("orphaned-command");
    auto argv = shell_with_a_child(pidfile);
    pid_t daemon = ::fork();
    ASSERT_GE(daemon, 0);
    if (daemon == 0)
    {
        asio::io_context ioc;
        asio::co_spawn(ioc, run_command(argv, 60s), asio::detached);
        ioc.run();
        ::_exit(0);
    }
    for (int i = 0; i < 500 && !fs::exists(pidfile); ++i)
        ::usleep(10'000);
    auto pids = read_pids(pidfile);
    ::kill(daemon, SIGKILL);
    ::waitpid(daemon, nullptr, 0);
    ASSERT_EQ(pids.size(), 2u);
    bool all_dead = false;
    for (int i = 0; i < 300 && !all_dead; ++i)
    {
        all_dead = vk::test::process_dead(pids[0]) && vk::test::process_dead(pids[1]);
        if (!all_dead)
            ::usleep(10'000);
    }
    EXPECT_TRUE(all_dead) << "the command outlived its daemon";
    for (pid_t p : pids)
        if (!vk::test::process_dead(p))
            ::kill(p, SIGKILL);
    fs::remove(pidfile);
}

}  // namespace
}  // namespace vk::emissary
