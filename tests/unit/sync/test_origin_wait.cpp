// Issue 19 (sync and the first run): a destination waiting for its origin's first publish is in a state, not
// failing; the one alert comes when the wait outlasts origin_grace, and a new wait starts afresh.
#include "sync/model/origin_wait.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;
using namespace std::chrono_literals;

TEST(sync_origin_wait, waits_quietly_within_the_grace)
{
    origin_wait w;
    auto t0 = std::chrono::system_clock::now();
    EXPECT_EQ(note_origin_absent(w, t0, 10min), wait_verdict::waiting);
    ASSERT_TRUE(w.waiting());
    EXPECT_EQ(*w.since, t0) << "the wait counts from the first cycle that found nothing";
    EXPECT_EQ(note_origin_absent(w, t0 + 10min, 10min), wait_verdict::waiting)
        << "exactly the grace: not yet";
    EXPECT_EQ(*w.since, t0);
}

TEST(sync_origin_wait, alerts_once_past_the_grace)
{
    origin_wait w;
    auto t0 = std::chrono::system_clock::now();
    note_origin_absent(w, t0, 10min);
    EXPECT_EQ(note_origin_absent(w, t0 + 10min + 1s, 10min), wait_verdict::alert_overdue);
    EXPECT_EQ(note_origin_absent(w, t0 + 11min, 10min), wait_verdict::waiting) << "one alert per wait";
    EXPECT_EQ(note_origin_absent(w, t0 + 2h, 10min), wait_verdict::waiting);
    EXPECT_TRUE(w.waiting());
}

TEST(sync_origin_wait, the_first_publish_ends_the_wait_and_a_later_one_starts_afresh)
{
    origin_wait w;
    auto t0 = std::chrono::system_clock::now();
    note_origin_absent(w, t0, 1min);
    EXPECT_EQ(note_origin_absent(w, t0 + 2min, 1min), wait_verdict::alert_overdue);
    note_origin_present(w);
    EXPECT_FALSE(w.waiting());
    auto t1 = t0 + 1h;
    EXPECT_EQ(note_origin_absent(w, t1, 1min), wait_verdict::waiting);
    EXPECT_EQ(*w.since, t1);
    EXPECT_EQ(note_origin_absent(w, t1 + 61s, 1min), wait_verdict::alert_overdue)
        << "the new wait alerts again";
}
