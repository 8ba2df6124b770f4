// HA balancing's rules without replicas: counts per live member, who may take a free job, how many jobs a
// replica hands back (never while a job is free, never a running one), and the grace after which anyone
// takes a job nobody least loaded took.
#include "app/model/balance.hpp"

#include <gtest/gtest.h>

namespace vk::app {
namespace {
using std::chrono::seconds;

// `me` among `members`, with jobs j0.. held as `holders` says.
balance_view view(std::string me, std::set<std::string> members, std::vector<std::string> holders)
{
    balance_view v{std::move(me), std::move(members), {}};
    for (std::size_t i = 0; i < holders.size(); ++i)
        v.holders[(i < 10 ? "j0" : "j") + std::to_string(i)] = holders[i];
    return v;
}

std::vector<std::string> times(std::size_t n, const std::string& who)
{
    return std::vector<std::string>(n, who);
}

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts)
{
    std::vector<std::string> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(ha_balance, counts_cover_every_live_member_and_skip_holders_that_are_not)
{
    auto v =
        view("a", {"a", "b", "c"}, concat({times(2, "a"), times(1, "b"), times(1, "gone"), times(1, "")}));
    EXPECT_EQ(held_counts(v), (std::map<std::string, std::size_t>{{"a", 2}, {"b", 1}, {"c", 0}}));
    v.members.reset();
    EXPECT_TRUE(held_counts(v).empty());
}

TEST(ha_balance, only_the_least_loaded_may_take_a_free_job)
{
    auto jobs = concat({times(4, "a"), times(4, "b"), times(3, "c"), times(1, "")});
    EXPECT_FALSE(least_loaded(view("a", {"a", "b", "c"}, jobs)));
    EXPECT_TRUE(least_loaded(view("c", {"a", "b", "c"}, jobs)));
    // Ties all may try: the lock picks one.
    EXPECT_TRUE(least_loaded(view("a", {"a", "b"}, concat({times(2, "a"), times(2, "b"), times(1, "")}))));
    // A replica not yet seen among the members, or members unknown: not by this rule.
    EXPECT_FALSE(least_loaded(view("d", {"a", "b", "c"}, jobs)));
    auto unknown = view("a", {}, jobs);
    unknown.members.reset();
    EXPECT_FALSE(least_loaded(unknown));
}

TEST(ha_balance, a_lone_replica_takes_everything)
{
    EXPECT_TRUE(least_loaded(view("a", {"a"}, concat({times(11, "a"), times(1, "")}))));
    EXPECT_EQ(excess(view("a", {"a"}, times(12, "a"))), 0u);
}

TEST(ha_balance, a_replica_over_its_fair_share_hands_back_the_excess)
{
    // 12 jobs, 3 replicas: 4 each. The first replica took all of them before the others came.
    EXPECT_EQ(excess(view("a", {"a", "b", "c"}, times(12, "a"))), 8u);
    EXPECT_EQ(excess(view("a", {"a", "b", "c"}, concat({times(6, "a"), times(6, "b")}))), 2u);
    EXPECT_EQ(excess(view("c", {"a", "b", "c"}, concat({times(6, "a"), times(6, "b")}))), 0u);
    // 13 jobs: ceil = 5, yet 5/5/3 is two apart: one goes back.
    EXPECT_EQ(excess(view("a", {"a", "b", "c"}, concat({times(5, "a"), times(5, "b"), times(3, "c")}))), 1u);
    EXPECT_EQ(excess(view("a", {"a", "b", "c"}, concat({times(5, "a"), times(4, "b"), times(4, "c")}))), 0u);
}

TEST(ha_balance, nothing_is_handed_back_while_a_job_is_free_or_members_are_unknown)
{
    auto free_one = concat({times(9, "a"), times(1, "b"), times(1, ""), times(1, "gone")});
    EXPECT_EQ(excess(view("a", {"a", "b", "c"}, free_one)), 0u);
    auto unknown = view("a", {}, times(12, "a"));
    unknown.members.reset();
    EXPECT_EQ(excess(unknown), 0u);
}

TEST(ha_balance, releases_are_idle_jobs_from_the_last_name)
{
    std::map<std::string, bool> held{{"a", false}, {"b", true}, {"c", false}, {"d", false}};
    EXPECT_EQ(pick_releases(held, 2), (std::vector<std::string>{"d", "c"}));
    EXPECT_EQ(pick_releases(held, 5), (std::vector<std::string>{"d", "c", "a"}));  // "b" runs a cycle
    EXPECT_TRUE(pick_releases(held, 0).empty());
}

TEST(ha_balance, a_job_refused_for_the_grace_is_taken_anyway)
{
    take_gate gate(seconds(4));
    const take_gate::clock::time_point t0{};
    EXPECT_FALSE(gate.allow("j", false, t0));
    EXPECT_FALSE(gate.allow("j", false, t0 + seconds(3)));
    EXPECT_TRUE(gate.allow("j", false, t0 + seconds(4)));
    EXPECT_TRUE(gate.allow("k", true, t0));  // least loaded: at once
    // Seen held meanwhile: the next free spell waits a whole grace again.
    gate.held("j");
    EXPECT_FALSE(gate.allow("j", false, t0 + seconds(10)));
    EXPECT_TRUE(gate.allow("j", false, t0 + seconds(14)));
}

}  // namespace
}  // namespace vk::app
