// Go-style duration parsing and formatting.
#include <gtest/gtest.h>

#include "core/duration.hpp"

namespace {
using namespace std::chrono_literals;
using vk::format_duration;
using vk::parse_duration;

TEST(duration, parses_go_style_sequences)
{
    EXPECT_EQ(parse_duration("30s"), vk::duration(30s));
    EXPECT_EQ(parse_duration("1m"), vk::duration(1min));
    EXPECT_EQ(parse_duration("1h30m"), vk::duration(90min));
    EXPECT_EQ(parse_duration("250ms"), vk::duration(250ms));
    EXPECT_EQ(parse_duration("1.5s"), vk::duration(1500ms));
    EXPECT_EQ(parse_duration("0"), vk::duration(0));
}

TEST(duration, rejects_garbage)
{
    for (const char* bad : {"", "s", "10", "10x", "-5s", "1h 30m", "1..5s", "99999999h"})
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

TEST(duration, formats_shortest_form_and_round_trips)
{
    EXPECT_EQ(format_duration(0ms), "0s");
    EXPECT_EQ(format_duration(250ms), "250ms");
    EXPECT_EQ(format_duration(90s), "1m30s");
    EXPECT_EQ(format_duration(3600s + 1500ms), "1h1.5s");
    for (const char* s : {"1h30m", "45s", "2m", "1.25s"})
        EXPECT_EQ(format_duration(*parse_duration(s)), s);
}

}  // namespace
