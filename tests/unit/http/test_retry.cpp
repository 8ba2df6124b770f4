// Retry policy of the HTTP client: retryable outcomes, full-jitter backoff, Retry-After, bounds.
#include "http/model/retry.hpp"

#include <gtest/gtest.h>

using namespace vk::http;
using namespace std::chrono_literals;

namespace {
const auto now = std::chrono::sys_days(std::chrono::year_month_day(
                     std::chrono::year(2024), std::chrono::month(3), std::chrono::day(1))) +
                 12h;

retry_decision decide(unsigned attempts, bool idem, attempt_outcome o,
                      std::chrono::milliseconds elapsed = 0ms)
{
    return decide_retry(retry_policy{}, attempts, idem, o, elapsed, 0.5, now);
}
}  // namespace

TEST(http_retry, retryable_statuses)
{
    EXPECT_TRUE(retryable_status(429));
    EXPECT_TRUE(retryable_status(500));
    EXPECT_TRUE(retryable_status(502));
    EXPECT_TRUE(retryable_status(503));
    EXPECT_FALSE(retryable_status(501));
    EXPECT_FALSE(retryable_status(400));
    EXPECT_FALSE(retryable_status(404));
    EXPECT_FALSE(retryable_status(412));
    EXPECT_FALSE(retryable_status(200));
}

TEST(http_retry, idempotent_methods)
{
    EXPECT_TRUE(default_idempotent("GET"));
    EXPECT_TRUE(default_idempotent("HEAD"));
    EXPECT_TRUE(default_idempotent("PUT"));
    EXPECT_TRUE(default_idempotent("DELETE"));
    EXPECT_FALSE(default_idempotent("POST"));
    EXPECT_FALSE(default_idempotent("PATCH"));
}

TEST(http_retry, backoff_is_full_jitter_under_a_doubling_capped_ceiling)
{
    retry_policy p;
    p.base_delay = 100ms;
    p.max_delay = 1000ms;
    EXPECT_EQ(backoff_delay(p, 1, 0.0), 0ms);
    EXPECT_EQ(backoff_delay(p, 1, 0.5), 50ms);
    EXPECT_EQ(backoff_delay(p, 2, 0.5), 100ms);
    EXPECT_EQ(backoff_delay(p, 3, 0.5), 200ms);
    EXPECT_EQ(backoff_delay(p, 10, 0.5), 500ms);
    EXPECT_EQ(backoff_delay(p, 1000000, 0.999), 999ms);
    EXPECT_LE(backoff_delay(p, 3, 1.0), 400ms);
}

TEST(http_retry, retry_after_seconds_and_dates)
{
    EXPECT_EQ(parse_retry_after("120", now), 120s);
    EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
    EXPECT_EQ(parse_retry_after("Fri, 01 Mar 2024 12:00:30 GMT", now), 30s);
    EXPECT_EQ(parse_retry_after("Fri, 01 Mar 2024 11:00:00 GMT", now), 0ms);  // in the past
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("-5", now));
    EXPECT_FALSE(parse_retry_after("Fri, 31 Feb 2024 12:00:30 GMT", now));
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_GT(*parse_retry_after("99999999999999999999", now), 24h);
}

TEST(http_retry, decisions)
{
    EXPECT_TRUE(decide(1, true, {503, false, {}}).retry);
    EXPECT_TRUE(decide(1, true, {429, false, {}}).retry);
    EXPECT_FALSE(decide(1, false, {503, false, {}}).retry) << "POST is not retried";
    EXPECT_FALSE(decide(1, true, {501, false, {}}).retry);
    EXPECT_FALSE(decide(1, true, {404, false, {}}).retry);
    EXPECT_FALSE(decide(3, true, {503, false, {}}).retry) << "bounded by max_attempts";
    EXPECT_TRUE(decide(1, true, {0, true, {}}).retry) << "connection errors are retried";
    EXPECT_FALSE(decide(1, true, {0, false, {}}).retry) << "e.g. certificate errors are not";
    EXPECT_FALSE(decide(1, true, {503, false, {}}, 30s).retry) << "bounded by max_elapsed";
}

TEST(http_retry, retry_after_is_honoured_and_capped)
{
    auto d = decide(1, true, {503, false, "2"});
    EXPECT_TRUE(d.retry);
    EXPECT_EQ(d.delay, 2s);
    retry_policy p;
    p.max_retry_after = 5s;
    p.max_elapsed = 60s;
    d = decide_retry(p, 1, true, {429, false, "3600"}, 0ms, 0.5, now);
    EXPECT_TRUE(d.retry);
    EXPECT_EQ(d.delay, 5s);
    // A Retry-After that would overrun the total budget ends the retries.
    d = decide_retry(p, 1, true, {429, false, "4"}, 57s, 0.5, now);
    EXPECT_FALSE(d.retry);
}
