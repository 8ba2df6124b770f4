// The origin's write planner: only changed buckets, bounded transactions, index last; and re-bucketing.
#include "sync/model/write_plan.hpp"

#include "sync/model/bucket_id.hpp"
#include "sync/model/diff.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {

sync_info filled(std::size_t n, int entries)
{
    auto info = sync_info::create(n).value();
    for (int i = 0; i < entries; ++i)
        info.put("secret/data/" + std::to_string(i), {1, "2021-01-01T00:00:00Z", "kvV2"});
    info.reindex();
    return info;
}

std::size_t ops(const std::vector<txn_batch>& batches)
{
    std::size_t n = 0;
    for (const auto& b : batches)
        n += b.size();
    return n;
}

}  // namespace

TEST(sync_write_plan, nothing_changed_writes_nothing)
{
    auto info = filled(10, 100);
    const auto previous = info.index();
    EXPECT_TRUE(plan_writes(previous, info, "vsync/origin/").empty());
}

TEST(sync_write_plan, only_changed_buckets_then_the_index_last)
{
    auto info = filled(10, 100);
    const auto previous = info.index();
    info.put("secret/data/5", {2, "2021-01-02T00:00:00Z", "kvV2"});
    const auto id = bucket_id("secret/data/5", 10);
    auto plan = plan_writes(previous, info, "vsync/origin/");
    ASSERT_EQ(plan.size(), 1u);
    ASSERT_EQ(plan[0].size(), 2u);
    EXPECT_EQ(plan[0][0].key, "vsync/origin/" + std::to_string(id));
    EXPECT_EQ(plan[0][1].key, "vsync/origin/index");
    EXPECT_EQ(plan[0][1].value, encode_index(info.index()));
}

TEST(sync_write_plan, first_write_or_count_change_writes_everything_in_bounded_batches)
{
    auto info = filled(130, 1000);
    auto plan = plan_writes({}, info, "p/");
    EXPECT_EQ(ops(plan), 131u);
    ASSERT_EQ(plan.size(), 3u);  // 64 + 64 + (2 buckets + index)
    EXPECT_EQ(plan[0].size(), 64u);
    EXPECT_EQ(plan[2].back().key, "p/index");
    for (const auto& b : plan)
        for (std::size_t i = 0; i + 1 < b.size(); ++i)
            EXPECT_NE(b[i].key, "p/index");
    // A previous index of another length counts as everything changed.
    EXPECT_EQ(ops(plan_writes(std::vector<std::string>(3), info, "p/")), 131u);
}

TEST(sync_write_plan, index_opens_its_own_batch_when_the_last_is_full)
{
    auto info = filled(64, 1000);
    auto plan = plan_writes({}, info, "p/");
    ASSERT_EQ(plan.size(), 2u);
    EXPECT_EQ(plan[1], (txn_batch{{"p/index", encode_index(info.index())}}));
}

TEST(sync_write_plan, byte_budget_splits_batches)
{
    auto info = filled(4, 200);
    write_plan_options o;
    o.max_bytes = info.bucket_bytes(0) + info.bucket_bytes(1);  // about two buckets per batch
    auto plan = plan_writes({}, info, "p/", o);
    EXPECT_GE(plan.size(), 2u);
    EXPECT_EQ(ops(plan), 5u);
    for (const auto& b : plan)
    {
        std::size_t bytes = 0;
        for (const auto& op : b)
            bytes += op.value.size();
        EXPECT_TRUE(bytes <= o.max_bytes || b.size() == 1);
    }
}

TEST(sync_write_plan, rebucket_adopts_a_new_count_and_diffs_clean)
{
    auto origin = filled(7, 500);
    auto dest = filled(3, 500);
    auto adopted = rebucket(dest, origin.bucket_count());
    ASSERT_TRUE(adopted);
    EXPECT_EQ(adopted->bucket_count(), 7);
    EXPECT_EQ(adopted->size(), 500u);
    EXPECT_EQ(adopted->index(), origin.index());
    EXPECT_TRUE(compare(origin, *adopted)->empty());
    EXPECT_FALSE(rebucket(dest, 0));
}
