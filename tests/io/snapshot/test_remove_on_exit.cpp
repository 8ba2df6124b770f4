// snapshot/publish_file.hpp's remove_on_exit: the file is gone from its name at once (a new file of that name
// is safe) and from the folder soon after (unlinked on the blocking pool); a missing file is no error. And
// unlink_off_thread: a spool file dropped unpublished is unlinked there too; a published one stays.
#include "snapshot/publish_file.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace vk::snapshot;
namespace fs = std::filesystem;

TEST(remove_on_exit, the_name_is_free_at_once_and_the_file_gone_soon_after)
{
    vk::test::temp_dir dir("remove-on-exit");
    const auto file = dir.path / "raft-snapshot.snap";
    std::ofstream(file) << "snapshot bytes";
    {
        remove_on_exit cleanup{file};
    }
    EXPECT_FALSE(fs::exists(file));
    std::ofstream(file) << "the next snapshot";  // made before the pool got to the old one: must survive it
    {
        remove_on_exit cleanup{dir.path / "never-made"};
    }
    EXPECT_TRUE(vk::test::entries_become(dir.path, {file.filename().string()}));
    EXPECT_EQ(vk::test::slurp(file), "the next snapshot");
}

TEST(unlink_off_thread, a_dropped_unpublished_file_goes_and_a_published_one_stays)
{
    vk::test::temp_dir dir("unlink-off-thread");
    {
        auto dropped = create_atomic_file(dir.path / "cut-short.snap");
        ASSERT_TRUE(dropped && dropped->write("half a snapshot"));
        const unlink_off_thread guard{*dropped};
        auto kept = create_atomic_file(dir.path / "whole.snap");
        ASSERT_TRUE(kept && kept->write("a snapshot"));
        const unlink_off_thread kept_guard{*kept};
        ASSERT_TRUE(kept->publish());
    }
    EXPECT_TRUE(vk::test::entries_become(dir.path, {"whole.snap"}));
    EXPECT_EQ(vk::test::slurp(dir.path / "whole.snap"), "a snapshot");
}
