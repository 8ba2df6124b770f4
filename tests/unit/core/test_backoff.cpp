// The one backoff formula: the step doubles from base up to the cap, and the jitter draws within it.
#include "core/backoff.hpp"

#include <gtest/gtest.h>

namespace {
using namespace std::chrono_literals;
using vk::backoff;
using vk::backoff_delay;
using vk::jitter;

TEST(backoff, without_jitter_the_step_doubles_from_base_up_to_the_cap)
{
    const backoff b{100ms, 1000ms, jitter::none};
    EXPECT_EQ(backoff_delay(b, 0, 0.7), 100ms);
    EXPECT_EQ(backoff_delay(b, 1, 0.7), 200ms);
    EXPECT_EQ(backoff_delay(b, 3, 0.7), 800ms);
    EXPECT_EQ(backoff_delay(b, 4, 0.7), 1000ms);
    EXPECT_EQ(backoff_delay(b, 4'000'000'000u, 0.7), 1000ms);
}

TEST(backoff, a_base_above_the_cap_is_cut_to_it)
{
    EXPECT_EQ(backoff_delay({5s, 2s, jitter::none}, 0, 0.0), 2s);
    EXPECT_EQ(backoff_delay({5s, 2s, jitter::full}, 3, 0.5), 1s);
}

TEST(backoff, full_jitter_draws_from_zero_to_the_step)
{
    const backoff b{100ms, 1000ms, jitter::full};
    EXPECT_EQ(backoff_delay(b, 0, 0.0), 0ms);
    EXPECT_EQ(backoff_delay(b, 0, 0.5), 50ms);
    EXPECT_EQ(backoff_delay(b, 2, 0.999), 399ms);
    EXPECT_EQ(backoff_delay(b, 20, 0.25), 250ms);
}

TEST(backoff, equal_jitter_never_goes_below_half_the_step)
{
    const backoff b{1000ms, 8000ms, jitter::equal};
    EXPECT_EQ(backoff_delay(b, 0, 0.0), 500ms);
    EXPECT_EQ(backoff_delay(b, 0, 0.5), 750ms);
    EXPECT_EQ(backoff_delay(b, 1, 0.999999), 1999ms);
    EXPECT_EQ(backoff_delay(b, 9, 0.0), 4000ms);
}

TEST(backoff, a_draw_outside_zero_to_one_is_clamped)
{
    const backoff b{100ms, 1000ms, jitter::full};
    EXPECT_EQ(backoff_delay(b, 1, -3.0), 0ms);
    EXPECT_EQ(backoff_delay(b, 1, 1.0), 200ms);
    EXPECT_EQ(backoff_delay(b, 1, 7.5), 200ms);
    EXPECT_EQ(backoff_delay({100ms, 1000ms, jitter::equal}, 1, 2.0), 200ms);
}

TEST(backoff, a_zero_base_stays_zero)
{
    EXPECT_EQ(backoff_delay({0ms, 1000ms, jitter::none}, 100, 0.0), 0ms);
}

}  // namespace
