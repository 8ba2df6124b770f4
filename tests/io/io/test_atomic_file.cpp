// The shared atomic file on a real directory: nothing at the final path until publish, the caller's temp
// name, replace or refuse, the temp file gone when dropped unpublished; unique_fd closes exactly once.
#include "core/read_file.hpp"
#include "io/atomic_file.hpp"
#include "io/unique_fd.hpp"
#include "temp_dir.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using vk::io::atomic_file;
using vk::io::on_existing;
using vk::io::unique_fd;

namespace {

struct atomic_dir : vk::test::temp_dir
{
    atomic_dir()
        : vk::test::temp_dir("vk-io-atomic-file")
    {
    }
};

std::string atomic_text(const fs::path& p)
{
    return vk::read_file(p.string()).value_or("<unreadable>");
}

TEST(io_atomic_file, publishes_under_the_final_name_only_when_asked)
{
    atomic_dir d;
    auto f = atomic_file::create(d.path / "out", d.path / "out.my-temp");
    ASSERT_TRUE(f) << f.error().describe();
    ASSERT_TRUE(f->write("hello "));
    ASSERT_TRUE(f->write("world"));
    EXPECT_FALSE(fs::exists(d.path / "out"));
    EXPECT_TRUE(fs::exists(d.path / "out.my-temp"));
    struct stat st
    {
    };
    ASSERT_EQ(::stat((d.path / "out.my-temp").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_TRUE(f->publish());
    EXPECT_EQ(atomic_text(d.path / "out"), "hello world");
    EXPECT_FALSE(fs::exists(d.path / "out.my-temp"));
}

TEST(io_atomic_file, replaces_by_default_and_refuses_when_told)
{
    atomic_dir d;
    std::ofstream(d.path / "out") << "old";
    {
        auto f = atomic_file::create(d.path / "out", d.path / ".t1");
        ASSERT_TRUE(f && f->write("new"));
        auto refused = f->publish(on_existing::refuse);
        ASSERT_FALSE(refused);
        EXPECT_TRUE(refused.error().is(vk::errc::conflict));
        EXPECT_EQ(refused.error().path, (d.path / "out").string());
    }
    EXPECT_EQ(atomic_text(d.path / "out"), "old");
    EXPECT_FALSE(fs::exists(d.path / ".t1"));
    auto f = atomic_file::create(d.path / "out", d.path / ".t2");
    ASSERT_TRUE(f && f->write("new"));
    ASSERT_TRUE(f->publish());
    EXPECT_EQ(atomic_text(d.path / "out"), "new");
}

TEST(io_atomic_file, a_dropped_file_leaves_nothing_and_an_existing_temp_is_refused)
{
    atomic_dir d;
    {
        auto f = atomic_file::create(d.path / "out", d.path / "tmp");
        ASSERT_TRUE(f && f->write("partial"));
        auto again = atomic_file::create(d.path / "out", d.path / "tmp");
        ASSERT_FALSE(again);
        EXPECT_TRUE(again.error().is(vk::errc::io_error));
        EXPECT_EQ(again.error().path, (d.path / "tmp").string());
        EXPECT_NE(again.error().message.find("create: "), std::string::npos);
    }
    EXPECT_TRUE(fs::is_empty(d.path));
}

TEST(io_atomic_file, an_abandoned_file_stays_for_its_caller_to_remove)
{
    atomic_dir d;
    fs::path temp;
    {
        auto f = atomic_file::create(d.path / "out", d.path / "tmp");
        ASSERT_TRUE(f && f->write("partial"));
        temp = f->abandon();
        EXPECT_EQ(f->fd(), -1);
        EXPECT_EQ(f->abandon(), fs::path()) << "abandoned once";
    }
    EXPECT_EQ(temp, d.path / "tmp");
    EXPECT_EQ(atomic_text(temp), "partial") << "left where it was, unpublished";
    EXPECT_FALSE(fs::exists(d.path / "out"));
    auto published = atomic_file::create(d.path / "done", d.path / "tmp2");
    ASSERT_TRUE(published && published->write("x") && published->publish());
    EXPECT_EQ(published->abandon(), fs::path()) << "nothing to abandon once published";
    EXPECT_EQ(atomic_text(d.path / "done"), "x");
}

TEST(io_atomic_file, sync_then_publish_renames_once)
{
    atomic_dir d;
    auto f = atomic_file::create(d.path / "out", d.path / "tmp");
    ASSERT_TRUE(f && f->write("x"));
    ASSERT_TRUE(f->sync());
    EXPECT_EQ(f->fd(), -1);
    ASSERT_TRUE(f->publish());
    EXPECT_EQ(atomic_text(d.path / "out"), "x");
}

TEST(io_atomic_file, a_missing_directory_is_an_io_error_naming_it)
{
    atomic_dir d;
    auto r = vk::io::sync_directory(d.path / "absent");
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(vk::errc::io_error));
    EXPECT_EQ(r.error().path, (d.path / "absent").string());
    EXPECT_TRUE(vk::io::sync_directory(d.path));
}

TEST(io_unique_fd, closes_once_and_moves_ownership)
{
    atomic_dir d;
    std::ofstream(d.path / "f") << "x";
    int raw = -1;
    {
        unique_fd a(::open((d.path / "f").c_str(), O_RDONLY | O_CLOEXEC));
        ASSERT_TRUE(a);
        raw = a.get();
        unique_fd b = std::move(a);
        EXPECT_FALSE(a);
        EXPECT_EQ(b.get(), raw);
        EXPECT_NE(::fcntl(raw, F_GETFD), -1);
    }
    EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
    EXPECT_EQ(errno, EBADF);
    unique_fd c(::open((d.path / "f").c_str(), O_RDONLY | O_CLOEXEC));
    const int released = c.release();
    EXPECT_FALSE(c);
    EXPECT_NE(::fcntl(released, F_GETFD), -1);
    ::close(released);
}

}  // namespace
