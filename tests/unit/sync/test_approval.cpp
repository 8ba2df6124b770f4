// Issue 10, point 2 (approvals bound to what was approved) and point 3 (the origin's publish guard): plan
// ids, approval matching and expiry with the time passed in.
#include "sync/model/approval.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace vk::sync;
using namespace std::chrono_literals;

TEST(sync_approval, plan_id_is_a_digest_of_the_exact_set)
{
    auto a = plan_id({"s/data/a", "s/data/b"});
    EXPECT_EQ(a.size(), 64u);
    EXPECT_EQ(a, plan_id({"s/data/b", "s/data/a"})) << "order does not matter";
    EXPECT_NE(a, plan_id({"s/data/a", "s/data/c"})) << "same size, other set";
    EXPECT_NE(a, plan_id({"s/data/a"}));
}

TEST(sync_approval, the_request_body_names_plan)
{
    EXPECT_EQ(*parse_approval(boost::json::parse(R"({"plan": "abc"})")), "abc");
    for (const char* bad : {"null", "[]", "{}", R"({"plan": 3})", R"({"plan": ""})"})
    {
        auto r = parse_approval(boost::json::parse(bad));
        ASSERT_FALSE(r) << bad;
        EXPECT_TRUE(r.error().is(vk::errc::bad_request)) << bad;
        EXPECT_EQ(r.error().message.rfind("/plan: ", 0), 0u) << r.error().message;
    }
}

TEST(sync_approval, accepted_only_for_what_is_held_now)
{
    auto now = wall_clock::now();
    auto ok = accept_approval("id1", "id1", now);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->plan, "id1");
    auto nothing = accept_approval("id1", "", now);
    ASSERT_FALSE(nothing);
    EXPECT_TRUE(nothing.error().is(vk::errc::conflict));
    auto changed = accept_approval("id1", "id2", now);
    ASSERT_FALSE(changed);
    EXPECT_TRUE(changed.error().is(vk::errc::conflict));
    EXPECT_NE(changed.error().message.find("id2"), std::string::npos) << "the new id is in the message";
}

TEST(sync_approval, releases_exactly_its_plan_until_it_expires)
{
    auto t0 = wall_clock::now();
    std::optional<approval> a = approval{"id1", t0};
    EXPECT_TRUE(approval_releases(a, "id1", t0 + 59min, 1h));
    EXPECT_FALSE(approval_releases(a, "id2", t0 + 1min, 1h));
    EXPECT_FALSE(approval_releases(a, "id1", t0 + 1h, 1h)) << "an unused approval expires after approval_ttl";
    EXPECT_TRUE(approval_expired(a, t0 + 1h, 1h));
    EXPECT_FALSE(approval_expired(a, t0 + 30min, 1h));
    EXPECT_FALSE(approval_releases(std::nullopt, "id1", t0, 1h));
}

TEST(sync_approval, publish_guard_holds_a_drop_over_the_limit)
{
    EXPECT_FALSE(guard_publish(0, 0, 20).hold) << "first publish";
    EXPECT_FALSE(guard_publish(100, 120, 20).hold);
    EXPECT_FALSE(guard_publish(100, 80, 20).hold) << "exactly the limit is allowed";
    auto g = guard_publish(100, 79, 20);
    EXPECT_TRUE(g.hold);
    EXPECT_DOUBLE_EQ(g.percent, 21.0);
    EXPECT_TRUE(guard_publish(100, 0, 20).hold) << "a vanished mount: every insight gone";
}

TEST(sync_approval, vanished_paths_are_what_the_new_set_lacks)
{
    auto before = sync_info::create(2);
    auto after = sync_info::create(2);
    for (const char* p : {"s/data/a", "s/data/b", "s/data/c"})
        before->put(p, insight{1, "t", "kvV2"});
    after->put("s/data/b", insight{2, "t", "kvV2"});
    after->put("s/data/z", insight{1, "t", "kvV2"});
    EXPECT_EQ(vanished_paths(*before, *after), (std::vector<std::string>{"s/data/a", "s/data/c"}));
}

TEST(sync_approval, publish_guard_leaves_out_buckets_a_torn_save_left_unknown)
{
    auto published = sync_info::create(2);
    auto walked = sync_info::create(2);
    for (int i = 0; i < 40; ++i)
    {
        auto p = "s/data/k" + std::to_string(i);
        published->put(p, insight{1, "t", "kvV2"});
        walked->put(p, insight{1, "t", "kvV2"});
    }
    // A torn bucket: emptied in the published info, its (newer) content only in the walk.
    published->set_bucket(1, bucket{});
    EXPECT_FALSE(guard_publish(*published, *walked, {1}, 20).hold) << "the torn bucket is not a drop";
    walked->set_bucket(0, bucket{});
    EXPECT_TRUE(guard_publish(*published, *walked, {1}, 20).hold) << "a known bucket emptied is";
}
