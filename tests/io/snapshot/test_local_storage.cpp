// The local snapshot storage on a real directory: created 0700 at start-up, never overwrites a snapshot,
// the sidecar written after the snapshot (a failed copy leaves none), orphan sidecars ignored by list and
// removed by remove_orphans, find answering "not held" whatever the directory's state.
#include "async_test.hpp"
#include "snapshot/local_storage.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace vk::snapshot;

namespace {

struct storage_dir : vk::test::temp_dir
{
    storage_dir()
        : vk::test::temp_dir("vk-local-storage")
    {
    }
};

const std::string sum_a(64, 'a');
const std::string sum_b(64, 'b');
const std::string snap = "raft-snapshot-2026-11-30T12-00-00.000Z.snap";

fs::path write(const fs::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::unique_ptr<vk::snapshot::snapshot_storage> storage(const fs::path& dir)
{
    return make_local_storage(local_storage_settings{"disk", dir.string()});
}

unsigned mode_of(const fs::path& p)
{
    struct stat st
    {
    };
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}

}  // namespace

TEST(local_storage, prepare_creates_the_path_0700_with_its_parents)
{
    storage_dir d;
    const auto path = d.path / "a" / "b" / "snaps";
    EXPECT_TRUE(storage(path)->prepare());
    EXPECT_TRUE(fs::is_directory(path));
    for (const auto& p : {d.path / "a", d.path / "a" / "b", path})
        EXPECT_EQ(mode_of(p), 0700u) << p;
    EXPECT_TRUE(storage(path)->prepare());  // existing: nothing to do

    write(d.path / "file", "in the way");
    auto blocked = storage(d.path / "file" / "snaps")->prepare();
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, vk::errc::io_error);
    EXPECT_NE(blocked.error().path.find("file"), std::string::npos);
}

ASYNC_TEST(local_storage, never_overwrites_a_snapshot_or_its_sidecar)
{
    storage_dir d;
    auto st = storage(d.path / "store");
    EXPECT_TRUE(st->prepare());
    const auto first = write(d.path / "first", "first snapshot");
    const auto second = write(d.path / "second", "second snapshot");
    EXPECT_TRUE(co_await st->upload(first, snap, sum_a));
    auto again = co_await st->upload(second, snap, sum_b);
    EXPECT_FALSE(again);
    EXPECT_TRUE(!again && again.error().code == vk::errc::conflict);
    EXPECT_EQ(vk::test::slurp(d.path / "store" / snap), "first snapshot");
    EXPECT_EQ(vk::test::slurp(d.path / "store" / (snap + ".sha256")), sum_a + "  " + snap + "\n");
    auto listed = co_await st->list();
    EXPECT_TRUE(listed && listed->size() == 1 && listed->front().sha256 == sum_a);
    // Nothing of the refused upload stays behind (temp files are dot files): its temp file is unlinked on the
    // blocking pool, soon after.
    EXPECT_TRUE(vk::test::entries_become(d.path / "store", {snap, snap + ".sha256"}));
}

ASYNC_TEST(local_storage, a_failed_copy_leaves_no_sidecar)
{
    storage_dir d;
    auto st = storage(d.path);
    EXPECT_FALSE(co_await st->upload(d.path / "no such spooled file", snap, sum_a));
    EXPECT_FALSE(fs::exists(d.path / snap));
    EXPECT_FALSE(fs::exists(d.path / (snap + ".sha256")));
}

ASYNC_TEST(local_storage, orphan_sidecars_are_not_listed_and_removed_later)
{
    storage_dir d;
    auto st = storage(d.path);
    const std::string gone = "raft-snapshot-2026-11-30T11-00-00Z.snap";
    EXPECT_TRUE(co_await st->upload(write(d.path / ".spooled", "x"), snap, sum_a));
    write(d.path / (gone + ".sha256"), sum_b + "  " + gone + "\n");
    write(d.path / "notes.txt.sha256", "not ours");
    auto listed = co_await st->list();
    EXPECT_TRUE(listed && listed->size() == 1 && listed->front().name == snap);
    const name_format ours;
    auto removed = co_await st->remove_orphans(ours);
    EXPECT_TRUE(removed && *removed == std::vector<std::string>{gone + ".sha256"});
    EXPECT_FALSE(fs::exists(d.path / (gone + ".sha256")));
    EXPECT_TRUE(fs::exists(d.path / "notes.txt.sha256"));
    EXPECT_TRUE(fs::exists(d.path / (snap + ".sha256")));
}

ASYNC_TEST(local_storage, find_says_not_held_whatever_the_directory_state)
{
    storage_dir d;
    auto st = storage(d.path / "store");
    EXPECT_TRUE(st->prepare());
    EXPECT_TRUE(co_await st->upload(write(d.path / "spooled", "x"), snap, sum_a));
    auto found = co_await st->find(snap);
    EXPECT_TRUE(found && *found && (*found)->sha256 == sum_a && (*found)->size == 1);
    auto absent = co_await st->find("raft-snapshot-2020-01-01T00-00-00Z.snap");
    EXPECT_TRUE(absent && !*absent);
    auto sidecar = co_await st->find(snap + ".sha256");
    EXPECT_TRUE(sidecar && !*sidecar);

    fs::remove_all(d.path / "store");
    auto missing = co_await st->find(snap);
    EXPECT_TRUE(missing && !*missing);
    write(d.path / "store", "a file where the directory was");
    auto blocked = co_await st->find(snap);
    EXPECT_TRUE(blocked && !*blocked);
    // An upload does not re-create a directory that vanished (an unmounted volume stays visible).
    fs::remove(d.path / "store");
    auto up = co_await st->upload(d.path / "spooled", snap, sum_a);
    EXPECT_FALSE(up);
    EXPECT_FALSE(fs::exists(d.path / "store"));
}
