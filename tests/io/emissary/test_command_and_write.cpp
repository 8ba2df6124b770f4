// The emissary's shells on a real system: the command runner (exit status, output, a timeout that kills the
// whole process group, a missing program) and the atomic write (skip when unchanged, mode change, backup,
// created directories' mode whatever the umask).
#include "async_test.hpp"
#include "emissary/atomic_write.hpp"
#include "emissary/command.hpp"
#include "process_state.hpp"
#include "temp_dir.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>

namespace vk::emissary {
namespace {

using namespace std::chrono_literals;

ASYNC_TEST(emissary_command, exit_status_and_output)
{
    std::vector<std::string> argv{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"};
    auto r = co_await run_command(argv, 5s);
    EXPECT_TRUE(r.has_value());
    if (!r)
        co_return;
    EXPECT_EQ(r->exit_status, 3);
    EXPECT_FALSE(r->timed_out);
    EXPECT_EQ(r->output, "out\nerr\n");
    std::vector<std::string> missing{"/nonexistent/program"};
    auto m = co_await run_command(missing, 5s);
    EXPECT_TRUE(m && m->exit_status == 127);
}

ASYNC_TEST(emissary_command, timeout_kills_the_process_group)
{
    auto pidfile = std::filesystem::temp_directory_path() / ("vk-emissary-pid-" + std::to_string(::getpid()));
    std::vector<std::string> argv{"/bin/sh", "-c", "sleep 30 & echo $! > " + pidfile.string() + "; wait"};
    auto start = std::chrono::steady_clock::now();
    auto r = co_await run_command(argv, 300ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_TRUE(r && r->timed_out && r->signal == SIGKILL);
    pid_t child = std::stoi(vk::test::slurp(pidfile));
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i)  // the orphan is reaped by init; it must at least be dead
    {
        gone = vk::test::process_dead(child);
        if (!gone)
            ::usleep(10'000);
    }
    EXPECT_TRUE(gone);
    std::filesystem::remove(pidfile);
}

TEST(emissary_atomic_write, skips_unchanged_then_rewrites_on_bytes_or_mode_with_one_backup)
{
    auto dir = std::filesystem::temp_directory_path() / ("vk-emissary-write-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    file_target t{(dir / "sub" / "f").string(), 0600, "", "", true, true};
    ASSERT_EQ(write_atomically(t, "one").value(), write_outcome::written);
    struct stat st
    {
    };
    ::stat(t.path.c_str(), &st);
    auto inode = st.st_ino;
    EXPECT_EQ(write_atomically(t, "one").value(), write_outcome::unchanged);
    EXPECT_FALSE(would_change(t, "one").value());
    EXPECT_TRUE(would_change(t, "two").value());
    ::stat(t.path.c_str(), &st);
    EXPECT_EQ(st.st_ino, inode);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    t.perms = 0640;
    EXPECT_EQ(write_atomically(t, "one").value(), write_outcome::written);
    ::stat(t.path.c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_EQ(write_atomically(t, "two").value(), write_outcome::written);
    EXPECT_EQ(vk::test::slurp(t.path), "two");
    EXPECT_EQ(vk::test::slurp(t.path + ".bak"), "one");
    t.user = "no-such-user-vk";
    EXPECT_EQ(write_atomically(t, "three").error().code, errc::invalid_argument);
    std::ofstream(t.path + ".vk-tmp-1") << "partial";
    remove_stale_temps(t.path);
    EXPECT_FALSE(std::filesystem::exists(t.path + ".vk-tmp-1"));
    EXPECT_TRUE(std::filesystem::exists(t.path));
    std::filesystem::remove_all(dir);
}

TEST(emissary_atomic_write, created_directories_get_dir_perms_whatever_the_umask)
{
    auto dir = std::filesystem::temp_directory_path() / ("vk-emissary-dirs-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0711);
    file_target t{(dir / "a" / "b" / "f").string(), 0644, "", "", false, true, 0750};
    const mode_t old = ::umask(077);  // the systemd unit's
    auto w = write_atomically(t, "x");
    ::umask(old);
    ASSERT_TRUE(w) << w.error().describe();
    struct stat st
    {
    };
    for (const auto& d : {dir / "a", dir / "a" / "b"})
    {
        ::stat(d.c_str(), &st);
        EXPECT_EQ(st.st_mode & 07777, 0750u) << d;
    }
    ::stat(dir.c_str(), &st);
    EXPECT_EQ(st.st_mode & 07777, 0711u);  // an existing directory is left as it is
    file_target unknown{(dir / "c" / "f").string(), 0644, "", "", false, true, 0755, "no-such-user-vk"};
    auto e = write_atomically(unknown, "x");
    EXPECT_FALSE(e);
    if (!e)
    {
        EXPECT_EQ(e.error().code, errc::invalid_argument);
        EXPECT_EQ(e.error().path, (dir / "c").string());
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "c"));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vk::emissary
