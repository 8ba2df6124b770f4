// The watch planner and the fan-out's diffing: at most `cap` queries covering every watched key and prefix,
// and only the things that moved are told.
#include <gtest/gtest.h>

#include "consul/model/watch_fanout.hpp"
#include "consul/model/watch_plan.hpp"

#include <algorithm>
#include <cstdio>

namespace {
using namespace vk::consul;

watch_target key(std::string p)
{
    return {watch_kind::key, std::move(p)};
}

watch_target prefix(std::string p)
{
    return {watch_kind::prefix, std::move(p)};
}

std::string name(const char* fmt, int a, int b)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, a, b);
    return buf;
}

// Every thing is served by a query that covers it, and there are at most `cap` queries.
void expect_sound(const std::set<watch_target>& things, const watch_plan& plan, std::size_t cap)
{
    EXPECT_LE(plan.queries.size(), cap);
    EXPECT_TRUE(plan.unserved.empty());
    ASSERT_EQ(plan.served_by.size(), things.size());
    for (const auto& t : things)
    {
        auto q = plan.served_by.at(t);
        ASSERT_LT(q, plan.queries.size());
        EXPECT_TRUE(covers(plan.queries[q], t)) << t.path << " by " << plan.queries[q].path;
    }
    for (std::size_t i = 0; i < plan.queries.size(); ++i)
        for (std::size_t j = 0; j < plan.queries.size(); ++j)
            EXPECT_TRUE(i == j || !covers(plan.queries[i], plan.queries[j]));
}

TEST(consul_watch_plan, twenty_thousand_keys_in_two_hundred_folders_fit_a_cap_of_one_hundred)
{
    std::set<watch_target> things;
    for (int f = 0; f < 200; ++f)
        for (int k = 0; k < 100; ++k)
            things.insert(key(name("app/g%d/f%03d", f % 40, f) + "/k" + std::to_string(k)));
    auto plan = plan_watches(things, 100);
    expect_sound(things, plan, 100);
    // Each folder, then groups of 5 folders (4 queries fewer each) until the cap holds: never the root.
    EXPECT_EQ(plan.queries.size(), 100u);
    auto groups = std::count_if(plan.queries.begin(), plan.queries.end(), [](const watch_target& q) {
        return std::count(q.path.begin(), q.path.end(), '/') == 2;
    });
    EXPECT_EQ(groups, 25);
    for (const auto& q : plan.queries)
        EXPECT_EQ(q.kind, watch_kind::prefix);
}

TEST(consul_watch_plan, flat_folders_beyond_the_cap_fall_back_to_their_parent)
{
    std::set<watch_target> things;
    for (int f = 0; f < 200; ++f)
        for (int k = 0; k < 100; ++k)
            things.insert(key(name("f%03d/k%03d", f, k)));
    auto plan = plan_watches(things, 100);
    expect_sound(things, plan, 100);
    ASSERT_EQ(plan.queries.size(), 1u);
    EXPECT_EQ(plan.queries[0], prefix(""));
}

TEST(consul_watch_plan, under_the_cap_every_key_keeps_its_exact_query)
{
    std::set<watch_target> things{key("a/1"), key("a/2"), key("b/1"), key("c"), key("d/e/f")};
    auto plan = plan_watches(things, 100);
    expect_sound(things, plan, 100);
    ASSERT_EQ(plan.queries.size(), 5u);
    for (const auto& q : plan.queries)
        EXPECT_EQ(q.kind, watch_kind::key);
}

TEST(consul_watch_plan, things_under_a_watched_prefix_join_it)
{
    std::set<watch_target> things{prefix("a/"), prefix("a/b/"), key("a/b/c"),
                                  key("a/"),    prefix("ab"),   key("z")};
    auto plan = plan_watches(things, 100);
    expect_sound(things, plan, 100);
    EXPECT_EQ(plan.queries, (std::vector<watch_target>{prefix("a/"), prefix("ab"), key("z")}));
    EXPECT_EQ(plan.served_by.at(key("a/b/c")), 0u);
    EXPECT_EQ(plan.served_by.at(prefix("a/b/")), 0u);
    EXPECT_EQ(plan.served_by.at(key("a/")), 0u);
}

TEST(consul_watch_plan, nested_folders_merge_the_deepest_first)
{
    std::set<watch_target> things{key("a/b/c/1"), key("a/b/c/2"), key("a/b/d"), key("a/e"), key("x/1")};
    auto plan = plan_watches(things, 4);
    expect_sound(things, plan, 4);
    EXPECT_EQ(plan.queries,
              (std::vector<watch_target>{prefix("a/b/c/"), key("a/b/d"), key("a/e"), key("x/1")}));
    plan = plan_watches(things, 3);
    expect_sound(things, plan, 3);
    EXPECT_EQ(plan.queries, (std::vector<watch_target>{prefix("a/b/"), key("a/e"), key("x/1")}));
    plan = plan_watches(things, 2);
    expect_sound(things, plan, 2);
    EXPECT_EQ(plan.queries, (std::vector<watch_target>{prefix("a/"), key("x/1")}));
}

TEST(consul_watch_plan, keys_sharing_no_folder_use_the_root_as_last_resort)
{
    std::set<watch_target> things{key("alpha"), key("beta"), key("gamma/x"), prefix("delta")};
    auto plan = plan_watches(things, 2);
    expect_sound(things, plan, 2);
    EXPECT_EQ(plan.queries, (std::vector<watch_target>{prefix("")}));
    plan = plan_watches(things, 0);  // a cap below one means one
    EXPECT_EQ(plan.queries.size(), 1u);
}

TEST(consul_watch_plan, the_same_things_give_the_same_plan)
{
    std::set<watch_target> things;
    for (int i = 0; i < 500; ++i)
        things.insert(key(name("s%d/k%d", i % 17, i)));
    things.insert(prefix("s3/"));
    auto a = plan_watches(things, 10);
    auto b = plan_watches(things, 10);
    expect_sound(things, a, 10);
    EXPECT_EQ(a.queries, b.queries);
    EXPECT_EQ(a.served_by, b.served_by);
}

TEST(consul_watch_plan, refused_folders_are_skipped_then_the_cap_leaves_things_unserved)
{
    std::set<watch_target> things{key("a/1"), key("a/2"), key("b/1"), key("b/2")};
    auto plan = plan_watches(things, 3, {"a/"});
    expect_sound(things, plan, 3);
    EXPECT_EQ(plan.queries, (std::vector<watch_target>{key("a/1"), key("a/2"), prefix("b/")}));
    EXPECT_TRUE(plan.unserved.empty());
    // Every folder refused: the cap still holds; the keys past it (by name) are polled instead.
    plan = plan_watches(things, 2, {"a/", "b/", ""});
    EXPECT_EQ(plan.queries, (std::vector<watch_target>{key("a/1"), key("a/2")}));
    EXPECT_EQ(plan.unserved, (std::vector<watch_target>{key("b/1"), key("b/2")}));
    EXPECT_EQ(plan.served_by.size(), 2u);
}

TEST(consul_watch_plan, no_things_no_queries)
{
    auto plan = plan_watches({}, 10);
    EXPECT_TRUE(plan.queries.empty());
    EXPECT_TRUE(plan.served_by.empty());
}

kv_entry entry(std::string k, std::uint64_t index)
{
    kv_entry e;
    e.key = std::move(k);
    e.value = "v" + std::to_string(index);
    e.modify_index = index;
    return e;
}

TEST(consul_watch_fanout, a_thing_gets_its_own_part_of_the_answer)
{
    std::vector<kv_entry> answer{entry("a/1", 5), entry("a/10", 6), entry("a/2", 7), entry("b", 8)};
    auto one = entries_for(key("a/1"), answer);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].key, "a/1");
    EXPECT_TRUE(entries_for(key("a/3"), answer).empty());
    EXPECT_EQ(entries_for(prefix("a/1"), answer).size(), 2u);
    EXPECT_EQ(entries_for(prefix("a/"), answer).size(), 3u);
    EXPECT_EQ(entries_for(prefix(""), answer).size(), 4u);
    EXPECT_TRUE(entries_for(prefix("c/"), answer).empty());
}

TEST(consul_watch_fanout, prints_move_on_change_arrival_and_departure)
{
    std::vector<kv_entry> before{entry("a/1", 5), entry("a/2", 7)};
    std::vector<kv_entry> changed{entry("a/1", 5), entry("a/2", 9)};
    std::vector<kv_entry> added{entry("a/1", 5), entry("a/2", 7), entry("a/3", 9)};
    std::vector<kv_entry> gone{entry("a/1", 5)};
    std::vector<kv_entry> renamed{entry("a/1", 5), entry("a/3", 7)};
    const auto p = print_of(before);
    EXPECT_EQ(p, print_of(before));
    EXPECT_NE(p, print_of(changed));
    EXPECT_NE(p, print_of(added));
    EXPECT_NE(p, print_of(gone));
    EXPECT_NE(p, print_of(renamed));
    EXPECT_NE(print_of({}), print_of(gone));
}

TEST(consul_watch_fanout, only_the_moved_thing_is_told_and_newcomers_hear_once)
{
    thing_audience a;
    a.join(1);
    a.join(2);
    std::vector<kv_entry> v1{entry("k", 3)};
    std::vector<kv_entry> v2{entry("k", 4)};
    EXPECT_EQ(a.hear(print_of(v1)), (std::vector<std::uint64_t>{1, 2}));  // the first answer
    EXPECT_TRUE(a.hear(print_of(v1)).empty());                            // unchanged: nobody
    a.join(3);
    EXPECT_EQ(a.hear(print_of(v1)), (std::vector<std::uint64_t>{3}));  // only the newcomer
    EXPECT_EQ(a.hear(print_of(v2)), (std::vector<std::uint64_t>{1, 2, 3}));
    a.leave(2);
    a.lost();  // a failed query: the next answer reaches everyone again
    EXPECT_EQ(a.hear(print_of(v2)), (std::vector<std::uint64_t>{1, 3}));
    EXPECT_TRUE(a.hear(print_of(v2)).empty());
}

}  // namespace
