// Issue 20: the held change, its approval and the publish guard's verdict, shared by both sync roles and
// decided with the time passed in; the destination's lag and the trust in what a role remembers of Consul.
#include "sync/model/approval_gate.hpp"
#include "sync/model/publish_hold.hpp"
#include "sync/model/replication_lag.hpp"
#include "sync/model/save_trust.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;
using namespace std::chrono_literals;

namespace {

sync_info info_of(std::initializer_list<const char*> paths)
{
    auto i = sync_info::create(2);
    for (const char* p : paths)
        i->put(p, insight{1, "t", "kvV2"});
    return std::move(*i);
}

}  // namespace

TEST(sync_approval_gate, approves_only_what_is_held_and_the_approval_expires)
{
    approval_gate g;
    auto t0 = wall_clock::now();
    EXPECT_TRUE(g.approve("p1", t0).error().is(vk::errc::conflict)) << "nothing held";
    g.hold("p1", 5);
    EXPECT_EQ(g.held_count(), 5u);
    EXPECT_TRUE(g.approve("p2", t0).error().is(vk::errc::conflict)) << "another set";
    ASSERT_TRUE(g.approve("p1", t0));
    EXPECT_EQ(g.approved_plan(t0 + 59min, 1h), "p1");
    EXPECT_EQ(g.approved_plan(t0 + 1h, 1h), "") << "unused for approval_ttl: dropped";
    EXPECT_FALSE(g.approval_given());
}

TEST(sync_approval_gate, a_used_approval_is_gone_and_nothing_held_counts_zero)
{
    approval_gate g;
    auto t0 = wall_clock::now();
    g.hold("p1", 3);
    ASSERT_TRUE(g.approve("p1", t0));
    g.use_approval();
    EXPECT_EQ(g.approved_plan(t0, 1h), "");
    g.hold("", 3);
    EXPECT_EQ(g.held_count(), 0u);
    EXPECT_EQ(g.held_plan(), "");
}

TEST(sync_approval_gate, the_alert_names_the_plan_id_not_admin_routes)
{
    auto e = held_alert("deletion guard: 5 deletes are held", "abc123");
    EXPECT_TRUE(e.is(vk::errc::conflict));
    EXPECT_NE(e.message.find("abc123"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("/v1/"), std::string::npos) << "api/ and web/ build the URLs: " << e.message;
}

TEST(sync_publish_hold, a_shrunken_walk_is_held_until_exactly_its_set_is_approved)
{
    auto published = info_of({"s/a", "s/b", "s/c", "s/d", "s/e"});
    auto walked = info_of({"s/a"});
    std::vector<std::size_t> unknown;
    publish_inputs in{&published, &unknown, 20, 1h};
    approval_gate g;
    auto t0 = wall_clock::now();
    auto h = decide_publish(walked, in, g, t0);
    ASSERT_TRUE(h.held());
    EXPECT_EQ(h.paths, (std::vector<std::string>{"s/b", "s/c", "s/d", "s/e"}));
    EXPECT_EQ(h.published, 5u);
    EXPECT_EQ(h.walked, 1u);
    EXPECT_EQ(g.held_plan(), h.plan);
    EXPECT_NE(publish_held_alert(h).message.find(h.plan), std::string::npos);

    ASSERT_TRUE(g.approve(h.plan, t0));
    auto other = info_of({"s/b"});  // a different shrink: the approval does not release it
    EXPECT_TRUE(decide_publish(other, in, g, t0 + 1s).held());
    EXPECT_TRUE(g.approval_given()) << "kept for its own set";
    EXPECT_FALSE(decide_publish(walked, in, g, t0 + 2s).held()) << "the approved set goes through";
    EXPECT_FALSE(g.approval_given()) << "used once";
    EXPECT_EQ(g.held_count(), 0u);
}

TEST(sync_publish_hold, nothing_published_yet_or_a_small_drop_is_not_held)
{
    approval_gate g;
    auto walked = info_of({"s/a"});
    EXPECT_FALSE(decide_publish(walked, publish_inputs{}, g, wall_clock::now()).held()) << "first publish";
    auto published = info_of({"s/a", "s/b"});
    std::vector<std::size_t> unknown;
    EXPECT_FALSE(
        decide_publish(walked, publish_inputs{&published, &unknown, 60, 1h}, g, wall_clock::now()).held());
}

TEST(sync_replication_lag, runs_from_the_publish_seen_until_a_cycle_applied_everything)
{
    replication_lag lag;
    auto t0 = wall_clock::now();
    EXPECT_EQ(lag.seconds(t0), 0.0);
    lag.found_changes(t0);
    EXPECT_DOUBLE_EQ(lag.seconds(t0 + 3s), 3.0) << "no watch: from the cycle that found changes";
    lag.found_changes(t0 + 2s);
    EXPECT_DOUBLE_EQ(lag.seconds(t0 + 3s), 3.0) << "a later cycle does not restart it";
    lag.caught_up();
    EXPECT_EQ(lag.seconds(t0 + 4s), 0.0);
    lag.origin_changed(t0 + 10s);
    lag.found_changes(t0 + 12s);
    EXPECT_DOUBLE_EQ(lag.seconds(t0 + 13s), 3.0) << "from the publish the watch saw";
}

TEST(sync_save_trust, remembered_only_after_a_save_that_completed)
{
    remembered_save<int> held;
    EXPECT_FALSE(held.known()) << "nothing at start-up";
    held.known_as(7);
    EXPECT_EQ(held.begin_save(), 7);
    EXPECT_FALSE(held.known()) << "unknown while a save runs (and after one that stopped)";
    held.known_as(8);
    EXPECT_TRUE(held.known());

    save_trust t;
    EXPECT_FALSE(t.trusted());
    t.saved();
    t.begin_save();
    EXPECT_FALSE(t.trusted());
    t.saved();
    EXPECT_TRUE(t.trusted());
}
