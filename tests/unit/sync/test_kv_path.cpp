// Locating sync paths (raw KV API paths) in a Vault's mounts.
#include "sync/model/kv_path.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {
const std::vector<kv_mount> mounts{{"secret/", true}, {"secret/team/", true}, {"kv1/", false}};
}

TEST(sync_kv_path, v2_data_path)
{
    auto l = locate("secret/data/app/db", mounts);
    ASSERT_TRUE(l) << l.error().describe();
    EXPECT_EQ(l->mount, 0u);
    EXPECT_EQ(l->rel, "app/db");
}

TEST(sync_kv_path, longest_mount_wins)
{
    auto l = locate("secret/team/data/x", mounts);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->mount, 1u);
    EXPECT_EQ(l->rel, "x");
}

TEST(sync_kv_path, v1_path_has_no_data_segment)
{
    auto l = locate("kv1/app/db", mounts);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->mount, 2u);
    EXPECT_EQ(l->rel, "app/db");
}

TEST(sync_kv_path, errors_name_the_path)
{
    auto none = locate("other/data/x", mounts);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, vk::errc::invalid_argument);
    EXPECT_EQ(none.error().path, "other/data/x");

    auto meta = locate("secret/metadata/x", mounts);
    ASSERT_FALSE(meta);
    EXPECT_NE(meta.error().message.find("secret/data/"), std::string::npos) << meta.error().message;

    EXPECT_FALSE(locate("secret/data/", mounts));
    EXPECT_FALSE(locate("kv1/folder/", mounts));
}

// Issue 10, point 3: a vanished mount or a changed KV version is an error, never an empty folder.
TEST(sync_kv_path, same_mounts_every_cycle)
{
    EXPECT_TRUE(same_mounts(mounts, mounts));
    const std::vector<kv_mount> gone{{"secret/team/", true}, {"kv1/", false}};
    auto missing = same_mounts(mounts, gone);
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().is(vk::errc::not_found));
    EXPECT_NE(missing.error().message.find("secret/"), std::string::npos);
    const std::vector<kv_mount> changed{{"secret/", true}, {"secret/team/", true}, {"kv1/", true}};
    auto version = same_mounts(mounts, changed);
    ASSERT_FALSE(version);
    EXPECT_TRUE(version.error().is(vk::errc::invalid_argument));
    EXPECT_NE(version.error().message.find("kv1/"), std::string::npos);
}
