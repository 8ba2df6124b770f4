// Bucket ids pinned to vsync.md §2.4 and the TestGenerateBucketID distribution of §6.
#include "sync/model/bucket_id.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

using namespace vk::sync;

TEST(sync_bucket_id, section_2_4_vectors)
{
    EXPECT_EQ(path_key("secret/data/foo"), 0x8702);
    EXPECT_EQ(bucket_id("secret/data/foo", 19), 1);
    EXPECT_EQ(bucket_id("secret/data/foo", 20), 2);
    EXPECT_EQ(bucket_id("secret/data/foo", 3), 2);
    EXPECT_EQ(path_key("secret/data/bar"), 0x8113);
    EXPECT_EQ(bucket_id("secret/data/bar", 3), 1);
    EXPECT_EQ(path_key("secret/data/team1/db"), 0x2d5d);
    EXPECT_EQ(bucket_id("secret/data/team1/db", 3), 0);
    EXPECT_EQ(path_key("secret/data/platform/env/app1"), 0x1d19);
    EXPECT_EQ(bucket_id("secret/data/platform/env/app1", 19), 1);
    EXPECT_EQ(bucket_id("secret/data/platform/env/app1", 20), 9);
    EXPECT_EQ(path_key("secret/data/platform/env/app2"), 0x2dd5);
    EXPECT_EQ(bucket_id("secret/data/platform/env/app2", 19), 10);
    EXPECT_EQ(bucket_id("secret/data/platform/env/app2", 20), 13);
    EXPECT_EQ(path_key("secret/data/multipaas/test/1"), 0x190f);
    EXPECT_EQ(bucket_id("secret/data/multipaas/test/1", 19), 12);
    EXPECT_EQ(bucket_id("secret/data/multipaas/test/1", 20), 15);
}

TEST(sync_bucket_id, generate_bucket_id_distribution_matches_vsync_test)
{
    std::array<int, 19> counts{};
    for (int i = 0; i < 100000; ++i)
        ++counts[bucket_id(std::to_string(i), 19)];
    const std::array<int, 19> expected{5328, 5301, 5342, 5207, 5210, 5231, 5250, 5317, 5179, 5311,
                                       5244, 5303, 5216, 5202, 5307, 5351, 5149, 5258, 5294};
    EXPECT_EQ(counts, expected);
}

TEST(sync_bucket_id, bucket_count_range_is_1_to_65535)
{
    EXPECT_FALSE(check_bucket_count(0));
    EXPECT_EQ(check_bucket_count(0).error().code, vk::errc::invalid_argument);
    EXPECT_EQ(*check_bucket_count(1), 1);
    EXPECT_EQ(*check_bucket_count(65535), 65535);
    ASSERT_FALSE(check_bucket_count(65536));
    EXPECT_NE(check_bucket_count(65536).error().message.find("65536"), std::string::npos);
    EXPECT_EQ(bucket_id("anything", 1), 0);
}
