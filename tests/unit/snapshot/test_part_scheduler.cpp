// The parallel multipart upload's decisions, stepped without I/O: parts in order to a bounded number of
// workers, a retryable failure retried alone with a jittered backoff, the first final failure stopping all.
#include "snapshot/model/part_scheduler.hpp"

#include <gtest/gtest.h>

using namespace vk::snapshot;
using namespace std::chrono_literals;

namespace {

vk::error http_error(unsigned status)
{
    auto e = vk::make_error(vk::errc::server_error, "upload part 2: HTTP " + std::to_string(status));
    e.status = status;
    return e;
}

}  // namespace

TEST(part_scheduler, workers_are_bounded_by_concurrency_and_parts)
{
    EXPECT_EQ(part_scheduler(10, 4).workers(), 4u);
    EXPECT_EQ(part_scheduler(2, 4).workers(), 2u);
    EXPECT_EQ(part_scheduler(10, 0).workers(), 1u);
    EXPECT_EQ(part_scheduler(1, 16).workers(), 1u);
}

TEST(part_scheduler, hands_out_every_part_once_in_order)
{
    part_scheduler s(3, 2);
    EXPECT_EQ(s.next(), 0u);
    EXPECT_EQ(s.next(), 1u);
    EXPECT_EQ(s.on_success(1).what, part_step::kind::done);
    EXPECT_EQ(s.next(), 2u);
    EXPECT_EQ(s.next(), std::nullopt);
    EXPECT_FALSE(s.complete());
    s.on_success(0);
    s.on_success(2);
    EXPECT_TRUE(s.complete());
    EXPECT_FALSE(s.stopped());
}

TEST(part_scheduler, retryable_failures_retry_the_part_alone_with_jittered_backoff)
{
    part_scheduler s(4, 2, {3, 1000ms, 10000ms});
    auto part = *s.next();
    auto first = s.on_failure(part, http_error(500), 0.5);
    EXPECT_EQ(first.what, part_step::kind::retry);
    EXPECT_EQ(first.delay, 500ms);  // half of base_delay
    auto second = s.on_failure(part, vk::make_error(vk::errc::transport_error, "connection reset"), 0.99);
    EXPECT_EQ(second.what, part_step::kind::retry);
    EXPECT_GT(second.delay, 1000ms);  // the ceiling doubled
    EXPECT_LT(second.delay, 2000ms);
    EXPECT_EQ(s.on_success(part).what, part_step::kind::done);
    EXPECT_EQ(s.attempts(part), 3u);
    // The other parts go on as before.
    EXPECT_EQ(s.next(), 1u);
    EXPECT_FALSE(s.stopped());
}

TEST(part_scheduler, the_last_attempt_failing_stops_the_upload)
{
    part_scheduler s(4, 2, {3, 1000ms, 10000ms});
    auto part = *s.next();
    auto timeout = vk::make_error(vk::errc::timeout, "idle timeout");
    EXPECT_EQ(s.on_failure(part, timeout, 0).what, part_step::kind::retry);
    EXPECT_EQ(s.on_failure(part, timeout, 0).what, part_step::kind::retry);
    EXPECT_EQ(s.on_failure(part, timeout, 0).what, part_step::kind::fail);
    EXPECT_TRUE(s.stopped());
    EXPECT_EQ(s.next(), std::nullopt);  // no part starts once the upload failed
}

TEST(part_scheduler, a_refusal_fails_at_once)
{
    for (unsigned status : {400u, 403u, 404u, 412u, 501u})
    {
        part_scheduler s(4, 2);
        auto part = *s.next();
        EXPECT_EQ(s.on_failure(part, http_error(status), 0.5).what, part_step::kind::fail) << status;
        EXPECT_EQ(s.attempts(part), 1u);
        EXPECT_EQ(s.next(), std::nullopt);
    }
}

TEST(part_scheduler, in_flight_parts_ending_after_a_failure_are_not_retried)
{
    part_scheduler s(4, 2);
    auto a = *s.next();
    auto b = *s.next();
    EXPECT_EQ(s.on_failure(a, http_error(403), 0).what, part_step::kind::fail);
    // b was cancelled (or failed on its own) meanwhile: no new attempt.
    EXPECT_EQ(s.on_failure(b, http_error(503), 0).what, part_step::kind::fail);
    EXPECT_EQ(s.on_failure(b, vk::make_error(vk::errc::cancelled, "cancelled"), 0).what,
              part_step::kind::fail);
}

TEST(part_scheduler, which_errors_are_retryable)
{
    EXPECT_TRUE(retryable_part_error(http_error(500)));
    EXPECT_TRUE(retryable_part_error(http_error(503)));
    EXPECT_TRUE(retryable_part_error(http_error(429)));
    EXPECT_FALSE(retryable_part_error(http_error(501)));
    EXPECT_FALSE(retryable_part_error(http_error(403)));
    EXPECT_TRUE(retryable_part_error(vk::make_error(vk::errc::transport_error, "reset")));
    EXPECT_TRUE(retryable_part_error(vk::make_error(vk::errc::timeout, "idle")));
    EXPECT_FALSE(retryable_part_error(vk::make_error(vk::errc::io_error, "short file")));
    EXPECT_FALSE(retryable_part_error(vk::make_error(vk::errc::cancelled, "halt")));
    EXPECT_FALSE(retryable_part_error(vk::make_error(vk::errc::bad_response, "no ETag")));
}
