// The Vault version checks' plan: the effective interval under a request budget, evenly spread phases,
// new paths slotting into the widest gaps, the shared registry and what a check's answer means.
#include "emissary/model/check_registry.hpp"
#include "emissary/model/check_schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vk::emissary {
namespace {
using std::chrono::seconds;
using ms = std::chrono::milliseconds;

// The offsets of n paths planned from scratch, sorted, in milliseconds from the round's start.
std::vector<ms> offsets(std::size_t n, ms vault_check, double budget)
{
    const clock_time anchor{};
    const auto interval = effective_check_interval(n, vault_check, budget);
    std::vector<ms> out;
    for (double phase : spread_phases(n))
        out.push_back(
            std::chrono::duration_cast<ms>(next_check(anchor, phase, interval, anchor - ms(1)) - anchor));
    std::sort(out.begin(), out.end());
    return out;
}

TEST(emissary_check_schedule, ten_thousand_paths_at_100_a_second_take_100_seconds_evenly_spaced)
{
    EXPECT_EQ(effective_check_interval(10000, seconds(10), 100), seconds(100));
    auto o = offsets(10000, seconds(10), 100);
    ASSERT_EQ(o.size(), 10000u);
    EXPECT_EQ(o.front(), ms(0));
    for (std::size_t i = 1; i < o.size(); ++i)
        ASSERT_NEAR(static_cast<double>((o[i] - o[i - 1]).count()), 10.0, 1.0) << i;
    EXPECT_NEAR(static_cast<double>(o.back().count()), 99990.0, 1.0);
}

TEST(emissary_check_schedule, ten_paths_are_checked_every_vault_check_one_second_apart)
{
    EXPECT_EQ(effective_check_interval(10, seconds(10), 100), seconds(10));
    auto o = offsets(10, seconds(10), 100);
    for (std::size_t i = 0; i < o.size(); ++i)
        EXPECT_EQ(o[i], seconds(i));
}

TEST(emissary_check_schedule, the_interval_is_the_larger_of_vault_check_and_checks_over_budget)
{
    EXPECT_EQ(effective_check_interval(0, seconds(10), 100), seconds(10));
    EXPECT_EQ(effective_check_interval(1000, seconds(10), 100), seconds(10));
    EXPECT_EQ(effective_check_interval(1001, seconds(10), 100), ms(10010));
    EXPECT_EQ(effective_check_interval(50, seconds(1), 10), seconds(5));
    EXPECT_EQ(effective_check_interval(3, ms(0), 1e9), ms(3));  // never more than one check a millisecond
}

TEST(emissary_check_schedule, the_next_check_is_the_first_slot_strictly_after)
{
    const clock_time a{};
    EXPECT_EQ(next_check(a, 0.25, seconds(4), a), a + seconds(1));
    EXPECT_EQ(next_check(a, 0.25, seconds(4), a + seconds(1)), a + seconds(5));
    EXPECT_EQ(next_check(a, 0.25, seconds(4), a + ms(4999)), a + seconds(5));
    EXPECT_EQ(next_check(a, 0.25, seconds(4), a + seconds(41)), a + seconds(45));
    EXPECT_EQ(next_check(a, 0.0, seconds(4), a - seconds(1)), a);
}

TEST(emissary_check_schedule, a_new_path_takes_the_middle_of_the_widest_gap)
{
    EXPECT_EQ(slot_in({0.0, 0.5}, 1), std::vector<double>{0.25});
    EXPECT_EQ(slot_in({0.0, 0.25}, 1), std::vector<double>{0.625});  // the gap wrapping round to 1.0
    EXPECT_EQ(slot_in({}, 4), (std::vector<double>{0.0, 0.25, 0.5, 0.75}));
    // Ten more among ten evenly spaced: every gap is halved, nobody moves.
    auto added = slot_in(spread_phases(10), 10);
    ASSERT_EQ(added.size(), 10u);
    for (std::size_t i = 0; i < added.size(); ++i)
        EXPECT_NEAR(added[i], 0.05 + 0.1 * static_cast<double>(i), 1e-12);
    // Three into one gap of 0.5 (the other is 0.5 too): as even as possible without moving the others.
    auto three = slot_in({0.0, 0.5}, 3);
    EXPECT_EQ(three.size(), 3u);
}

TEST(emissary_check_registry, paths_read_by_several_jobs_are_checked_once_and_the_strictest_job_wins)
{
    check_registry r;
    const check_key a{"secret", "a"}, b{"secret", "b"}, c{"secret", "c"};
    auto one = r.join({a, b}, seconds(10), 100);
    EXPECT_EQ(r.paths(), 2u);
    EXPECT_EQ(r.interval(), seconds(10));
    const auto phase_b = r.next_due(b, clock_time{});
    auto g = r.generation();
    auto two = r.join({b, c}, seconds(2), 1);  // shares b; budget 1/s: 3 paths need 3 s
    EXPECT_NE(r.generation(), g);
    EXPECT_EQ(r.paths(), 3u);
    EXPECT_EQ(r.interval(), seconds(3));
    EXPECT_DOUBLE_EQ(r.per_second(), 1.0);
    EXPECT_EQ(r.next_due(a, clock_time{}), clock_time{} + seconds(3));  // phase 0: the next round
    (void)phase_b;
    r.leave(two);
    EXPECT_EQ(r.paths(), 2u);
    EXPECT_EQ(r.interval(), seconds(10));
    r.leave(one);
    EXPECT_EQ(r.paths(), 0u);
    EXPECT_EQ(r.next_due(a, clock_time{}), clock_time::max());
}

TEST(emissary_check_registry, each_path_is_due_once_per_round_for_all_its_readers_in_slot_order)
{
    const clock_time t0{};
    check_registry r(t0);
    const check_key a{"secret", "a"}, b{"secret", "b"};
    const auto one = r.join({a, b}, seconds(10), 100);  // phases 0 and 1/2: slots at 10 s and 5 s
    const auto two = r.join({b}, seconds(10), 100);
    EXPECT_EQ(r.readers(b), (std::vector<check_reader>{{one, 1}, {two, 0}}));  // with b's index in each list
    EXPECT_EQ(r.readers(a), (std::vector<check_reader>{{one, 0}}));
    EXPECT_EQ(r.next_wake(t0), t0 + seconds(5));
    EXPECT_FALSE(r.pop_due(t0 + seconds(4)));
    EXPECT_EQ(r.pop_due(t0 + seconds(5)), b);  // once, though two members read it
    EXPECT_FALSE(r.pop_due(t0 + seconds(5)));
    EXPECT_EQ(r.next_wake(t0 + seconds(5)), t0 + seconds(10));
    EXPECT_EQ(r.pop_due(t0 + seconds(10)), a);
    EXPECT_EQ(r.next_wake(t0 + seconds(10)), t0 + seconds(15));  // b's next round
}

TEST(emissary_check_registry, a_path_listed_twice_is_read_once_at_its_first_index)
{
    check_registry r;
    const check_key a{"secret", "a"}, b{"secret", "b"};
    const auto one = r.join({a, b, a}, seconds(10), 100);
    EXPECT_EQ(r.paths(), 2u);
    EXPECT_EQ(r.readers(a), (std::vector<check_reader>{{one, 0}}));
    r.leave(one);
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.paths(), 0u);
}

TEST(emissary_check_registry, a_round_that_fell_behind_skips_the_slots_it_missed)
{
    const clock_time t0{};
    check_registry r(t0);
    const check_key a{"secret", "a"};
    r.join({a}, seconds(10), 100);
    EXPECT_EQ(r.next_wake(t0), t0 + seconds(10));
    EXPECT_EQ(r.pop_due(t0 + seconds(35)), a);                   // three slots late: checked once
    EXPECT_EQ(r.next_wake(t0 + seconds(35)), t0 + seconds(40));  // then back on its phase
}

TEST(emissary_check_registry, a_join_or_leave_plans_every_due_time_again)
{
    const clock_time t0{};
    check_registry r(t0);
    const check_key a{"secret", "a"}, b{"secret", "b"};
    const auto one = r.join({a}, seconds(10), 100);
    EXPECT_EQ(r.next_wake(t0), t0 + seconds(10));
    const auto two = r.join({b}, seconds(2), 100);  // b takes phase 1/2; the round is now 2 s
    EXPECT_EQ(r.next_wake(t0), t0 + seconds(1));
    r.leave(two);
    EXPECT_TRUE(r.readers(b).empty());
    EXPECT_EQ(r.next_wake(t0), t0 + seconds(10));
    r.leave(one);
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.next_wake(t0), clock_time::max());
    EXPECT_FALSE(r.pop_due(t0 + seconds(100)));
}

TEST(emissary_check_registry, a_mount_whose_metadata_is_refused_falls_back_then_asks_again_later)
{
    const clock_time t0{};
    check_registry r(t0);
    EXPECT_FALSE(r.falls_back("secret", t0));
    r.fall_back("secret", t0);
    EXPECT_TRUE(r.falls_back("secret", t0 + std::chrono::minutes(4)));
    EXPECT_FALSE(r.falls_back("other", t0));
    EXPECT_FALSE(r.falls_back("secret", t0 + check_registry::metadata_retry));  // the next check asks again
    EXPECT_FALSE(r.falls_back("secret", t0 + check_registry::metadata_retry));
    r.fall_back("secret", t0 + std::chrono::minutes(6));  // refused again
    EXPECT_TRUE(r.falls_back("secret", t0 + std::chrono::minutes(7)));
}

TEST(emissary_check_registry, what_a_check_means_for_a_held_value)
{
    const version_seen v3{true, 3, false};
    EXPECT_EQ(after_check(v3, true, 3), check_step::keep);
    EXPECT_EQ(after_check(v3, true, 2), check_step::read);
    EXPECT_EQ(after_check(v3, true, std::nullopt), check_step::read);
    EXPECT_EQ(after_check(v3, false, std::nullopt), check_step::read);
    EXPECT_EQ(after_check(version_seen{true, 4, true}, true, 3), check_step::absent);  // deleted/destroyed
    EXPECT_EQ(after_check(version_seen{}, true, 3), check_step::absent);               // metadata gone
    EXPECT_EQ(after_check(version_seen{}, false, std::nullopt), check_step::keep);
}

TEST(emissary_request_budget, a_second_of_burst_then_evenly_spaced)
{
    request_budget b(10);
    const clock_time t0 = clock_time{} + seconds(100);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(b.take(t0), t0) << i;  // saved up while idle
    EXPECT_EQ(b.take(t0), t0 + ms(100));
    EXPECT_EQ(b.take(t0), t0 + ms(200));
    // Idle again for long: the burst refills, no more.
    const auto t1 = t0 + seconds(60);
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(b.take(t1), t1);
    EXPECT_GT(b.take(t1), t1);
}

}  // namespace
}  // namespace vk::emissary
