// send_parts_parallel on a real io_context with stand-in part senders: ids in part order with the bound on
// parts in flight used and never exceeded, a retryable failure retried alone, and a final failure cancelling
// the parts in flight (awaited before it returns) and starting no more.
#include "async_test.hpp"
#include "snapshot/part_sender.hpp"

#include <boost/asio/as_tuple.hpp>

#include <algorithm>
#include <map>

namespace {
using namespace std::chrono_literals;
namespace asio = boost::asio;
using vk::snapshot::send_part_fn;
using vk::snapshot::send_parts_parallel;

vk::error http_error(unsigned status)
{
    auto e = vk::make_error(vk::errc::server_error, "upload part: HTTP " + std::to_string(status));
    e.status = status;
    return e;
}

// Backoff short enough for a test; the shape is model/part_scheduler's.
constexpr vk::snapshot::part_retry_policy quick{3, 1ms, 2ms};

ASYNC_TEST(part_sender, ids_in_part_order_with_the_bound_on_parts_in_flight)
{
    int in_flight = 0, peak = 0;
    send_part_fn send = [&](std::uint64_t i) -> asio::awaitable<vk::result<std::string>> {
        peak = std::max(peak, ++in_flight);
        co_await vk::test::sleep_for(std::chrono::milliseconds(10 - i));  // later parts end sooner
        --in_flight;
        co_return "id-" + std::to_string(i);
    };
    auto r = co_await send_parts_parallel(10, 3, send, quick);
    std::vector<std::string> want;
    for (int i = 0; i < 10; ++i)
        want.push_back("id-" + std::to_string(i));
    EXPECT_EQ(r ? *r : std::vector<std::string>{}, want);
    EXPECT_EQ(peak, 3) << "the bound must be used and never exceeded";
}

ASYNC_TEST(part_sender, a_retryable_failure_sends_that_part_again_alone)
{
    std::map<std::uint64_t, int> attempts;
    send_part_fn send = [&](std::uint64_t i) -> asio::awaitable<vk::result<std::string>> {
        co_await vk::test::sleep_for(1ms);
        if (++attempts[i] == 1 && i == 2)
            co_return http_error(503);
        co_return std::to_string(i);
    };
    auto r = co_await send_parts_parallel(5, 2, send, quick);
    EXPECT_TRUE(r);
    EXPECT_EQ(attempts, (std::map<std::uint64_t, int>{{0, 1}, {1, 1}, {2, 2}, {3, 1}, {4, 1}}));
}

ASYNC_TEST(part_sender, a_final_failure_cancels_the_parts_in_flight_and_starts_no_more)
{
    std::vector<std::uint64_t> started;
    int cancelled = 0;
    send_part_fn send = [&](std::uint64_t i) -> asio::awaitable<vk::result<std::string>> {
        started.push_back(i);
        if (i == 0)
        {
            co_await vk::test::sleep_for(5ms);
            co_return http_error(403);
        }
        // The others would take a minute: only the cancellation ends them.
        asio::steady_timer t(co_await asio::this_coro::executor, 60s);
        auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted)
        {
            ++cancelled;
            co_return vk::make_error(vk::errc::cancelled, "cancelled");
        }
        co_return std::string("late");
    };
    const auto began = std::chrono::steady_clock::now();
    auto r = co_await send_parts_parallel(10, 3, send, quick);
    EXPECT_FALSE(r);
    if (!r)
        EXPECT_EQ(r.error().status, 403u) << "the failure that stopped the upload, not a cancellation";
    EXPECT_EQ(started, (std::vector<std::uint64_t>{0, 1, 2}));
    EXPECT_EQ(cancelled, 2) << "both parts in flight were cancelled and awaited";
    EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);
}

}  // namespace
