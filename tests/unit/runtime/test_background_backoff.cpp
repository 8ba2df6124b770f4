// The restart delay of failed background work: 1 s doubling, capped at one minute.
#include <gtest/gtest.h>

#include "runtime/job.hpp"

namespace {
using namespace std::chrono_literals;
using vk::runtime::background_backoff;

TEST(background_backoff, doubles_from_one_second_up_to_one_minute)
{
    EXPECT_EQ(background_backoff(1), 1000ms);
    EXPECT_EQ(background_backoff(2), 2000ms);
    EXPECT_EQ(background_backoff(3), 4000ms);
    EXPECT_EQ(background_backoff(6), 32000ms);
    EXPECT_EQ(background_backoff(7), 60000ms);
    EXPECT_EQ(background_backoff(1000), 60000ms);
}

}  // namespace
