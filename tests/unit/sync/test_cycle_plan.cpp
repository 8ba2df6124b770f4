// The destination's per-cycle decision: which tasks run under ignore_deletes, the deletion guard and an
// approval; and how a stored info is aligned with the origin's bucket count.
#include "sync/model/cycle_plan.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {

task t(const char* path, task_op op)
{
    return {path, op};
}

diff_result diff_of(std::size_t adds, std::size_t updates, std::size_t deletes)
{
    diff_result d;
    for (std::size_t i = 0; i < adds; ++i)
        d.add.push_back(t("s/data/a", task_op::add));
    for (std::size_t i = 0; i < updates; ++i)
        d.update.push_back(t("s/data/u", task_op::update));
    for (std::size_t i = 0; i < deletes; ++i)
        d.remove.push_back(t("s/data/d", task_op::remove));
    return d;
}

}  // namespace

TEST(sync_cycle_plan, adds_then_updates_then_allowed_deletes)
{
    auto p = plan_cycle(diff_of(2, 1, 1), 100, {});
    ASSERT_EQ(p.run.size(), 4u);
    EXPECT_EQ(p.run[0].op, task_op::add);
    EXPECT_EQ(p.run[2].op, task_op::update);
    EXPECT_EQ(p.run[3].op, task_op::remove);
    EXPECT_EQ(p.held_deletes, 0u);
    EXPECT_FALSE(p.approval_used);
}

TEST(sync_cycle_plan, guard_holds_deletes_over_the_limit_but_not_the_copies)
{
    plan_options o;
    o.max_delete_percent = 20;
    auto p = plan_cycle(diff_of(1, 1, 30), 100, o);
    EXPECT_EQ(p.run.size(), 2u);
    EXPECT_EQ(p.held_deletes, 30u);
    EXPECT_DOUBLE_EQ(p.delete_percent, 30.0);
}

// Issue 10, point 2: an approval names the plan id of the exact held set and releases only that set.
TEST(sync_cycle_plan, approval_releases_exactly_the_approved_set)
{
    plan_options o;
    auto held = plan_cycle(diff_of(0, 0, 30), 100, o);
    ASSERT_EQ(held.held_deletes, 30u);
    ASSERT_FALSE(held.delete_plan.empty());
    o.approved_plan = held.delete_plan;
    auto released = plan_cycle(diff_of(0, 0, 30), 100, o);
    EXPECT_EQ(released.run.size(), 30u);
    EXPECT_TRUE(released.approval_used);
    EXPECT_EQ(released.held_deletes, 0u);

    auto grown = plan_cycle(diff_of(0, 0, 31), 100, o);
    EXPECT_TRUE(grown.run.empty()) << "a different set must be held again";
    EXPECT_EQ(grown.held_deletes, 31u);
}

TEST(sync_cycle_plan, an_approval_never_covers_another_set_of_the_same_size)
{
    diff_result a = diff_of(0, 0, 0);
    diff_result b = diff_of(0, 0, 0);
    for (int i = 0; i < 30; ++i)
    {
        // The diff owns its delete paths, as compare() makes them.
        a.remove.push_back({a.removed_paths.emplace_back("s/data/a" + std::to_string(i)), task_op::remove});
        b.remove.push_back({b.removed_paths.emplace_back("s/data/b" + std::to_string(i)), task_op::remove});
    }
    plan_options o;
    o.approved_plan = plan_cycle(std::move(a), 100, o).delete_plan;
    auto other = plan_cycle(std::move(b), 100, o);
    EXPECT_EQ(other.held_deletes, 30u) << "the old flag let any later batch of the same size through";
    EXPECT_FALSE(other.approval_used);
}

TEST(sync_cycle_plan, approval_is_not_spent_on_deletes_under_the_limit)
{
    plan_options o;
    o.approved_plan = "anything";
    auto p = plan_cycle(diff_of(0, 0, 5), 100, o);
    EXPECT_EQ(p.run.size(), 5u);
    EXPECT_FALSE(p.approval_used);
    EXPECT_TRUE(p.delete_plan.empty());
}

TEST(sync_cycle_plan, ignore_deletes_skips_them_every_cycle)
{
    plan_options o;
    o.ignore_deletes = true;
    auto p = plan_cycle(diff_of(1, 0, 50), 100, o);
    EXPECT_EQ(p.run.size(), 1u);
    EXPECT_EQ(p.ignored_deletes, 50u);
    EXPECT_EQ(p.held_deletes, 0u);
}

TEST(sync_cycle_plan, deletes_with_nothing_synced_are_held)
{
    auto p = plan_cycle(diff_of(0, 0, 1), 0, {});
    EXPECT_EQ(p.held_deletes, 1u);
}

TEST(sync_align_destination, creates_with_the_origin_bucket_count)
{
    std::optional<sync_info> stored;
    ASSERT_TRUE(align_destination(stored, 7));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->bucket_count(), 7u);
    EXPECT_EQ(stored->size(), 0u);
}

TEST(sync_align_destination, rebuckets_keeping_every_entry)
{
    auto info = sync_info::create(2).value();
    for (int i = 0; i < 50; ++i)
        info.put("s/data/p" + std::to_string(i), {1, "2024-01-01T00:00:00Z", "kvV2"});
    std::optional<sync_info> stored = std::move(info);
    ASSERT_TRUE(align_destination(stored, 5));
    EXPECT_EQ(stored->bucket_count(), 5u);
    EXPECT_EQ(stored->size(), 50u);
    EXPECT_TRUE(stored->find("s/data/p42"));
    EXPECT_FALSE(stored->dirty());
}

TEST(sync_align_destination, rejects_a_bad_origin_count)
{
    std::optional<sync_info> stored;
    EXPECT_FALSE(align_destination(stored, 0));
    EXPECT_FALSE(align_destination(stored, 65536));
}
