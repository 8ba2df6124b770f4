// RFC3339Nano parsing with Go's rules: offsets, nanoseconds, and the zero time on failure.
#include "sync/model/go_time.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

TEST(sync_go_time, parses_utc_with_and_without_fraction)
{
    auto t = parse_rfc3339_nano("1970-01-01T00:00:01.5Z");
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.instant, (go_instant{1, 500000000}));
    EXPECT_EQ(parse_rfc3339_nano("2021-06-02T21:36:12Z").instant.seconds, 1622669772);
    EXPECT_EQ(parse_rfc3339_nano("2021-06-02T21:36:12.123456789Z").instant.nanos, 123456789);
    // More than nine digits are truncated, as Go does.
    EXPECT_EQ(parse_rfc3339_nano("2021-06-02T21:36:12.1234567891Z").instant.nanos, 123456789);
}

TEST(sync_go_time, offsets_move_the_instant)
{
    auto a = parse_rfc3339_nano("2021-06-02T23:36:12+02:00");
    auto b = parse_rfc3339_nano("2021-06-02T21:36:12Z");
    auto c = parse_rfc3339_nano("2021-06-02T20:06:12-01:30");
    ASSERT_TRUE(a.ok && b.ok && c.ok);
    EXPECT_EQ(a.instant, b.instant);
    EXPECT_EQ(c.instant, b.instant);
    EXPECT_LT(parse_rfc3339_nano("2021-06-02T21:36:12.000000001+00:01").instant, b.instant);
}

TEST(sync_go_time, rejects_what_go_rejects_with_the_zero_time)
{
    for (const char* s :
         {"", "2021-06-02", "2021-06-02 21:36:12Z", "2021-06-02T21:36:12", "2021-02-29T00:00:00Z",
          "2021-13-01T00:00:00Z", "2021-06-02T24:00:00Z", "2021-06-02T21:60:00Z", "2021-06-02T21:36:60Z",
          "2021-06-02T21:36:12.Z", "2021-06-02t21:36:12z", "2021-06-02T21:36:12+0200",
          "2021-06-02T21:36:12Zjunk", "21-06-02T21:36:12Z"})
    {
        auto t = parse_rfc3339_nano(s);
        EXPECT_FALSE(t.ok) << s;
        EXPECT_EQ(t.instant, go_zero_time()) << s;
    }
    EXPECT_TRUE(parse_rfc3339_nano("2020-02-29T00:00:00Z").ok);
    EXPECT_LT(go_zero_time(), parse_rfc3339_nano("0001-01-01T00:00:00.000000001Z").instant);
    EXPECT_EQ(go_zero_time(), parse_rfc3339_nano("0001-01-01T00:00:00Z").instant);
}
