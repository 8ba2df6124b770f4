// The token bucket's reservation schedule, on a synthetic clock.
#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using vk::token_bucket;

TEST(token_bucket, unlimited_never_waits)
{
    token_bucket b(0, 1);
    auto now = token_bucket::clock::now();
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(b.reserve(now), token_bucket::clock::duration::zero());
}

TEST(token_bucket, burst_then_one_interval_per_token)
{
    token_bucket b(10, 3);  // 100 ms per token, 3 saved up
    auto now = token_bucket::clock::time_point{} + 10s;
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(b.reserve(now), token_bucket::clock::duration::zero()) << "token " << i;
    EXPECT_EQ(b.reserve(now), 100ms);
    EXPECT_EQ(b.reserve(now), 200ms);
}

TEST(token_bucket, rate_holds_over_time)
{
    token_bucket b(100, 1);
    auto start = token_bucket::clock::time_point{} + 10s;
    auto last = start;
    for (int i = 0; i < 500; ++i)
        last = start + b.reserve(start);
    // 500 tokens at 100/s: the last one is served 4.99 s after the first.
    EXPECT_EQ(last - start, 4990ms);
}

TEST(token_bucket, idle_time_refills_only_up_to_the_burst)
{
    token_bucket b(10, 2);
    auto t0 = token_bucket::clock::time_point{} + 10s;
    b.reserve(t0);
    auto later = t0 + 1h;
    EXPECT_EQ(b.reserve(later), token_bucket::clock::duration::zero());
    EXPECT_EQ(b.reserve(later), token_bucket::clock::duration::zero());
    EXPECT_EQ(b.reserve(later), 100ms);
}
