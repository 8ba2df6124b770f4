// core/deadline.hpp: the operation wins, the deadline wins (and the operation is cancelled, not leaked),
// and the caller's cancellation reaches the operation.
#include "async/deadline.hpp"
#include "async_test.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

using namespace vk;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
// Waits d; reports cancelled instead of throwing so callers can see how it ended.
asio::awaitable<result<int>> wait_then(std::chrono::milliseconds d, int v)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec)
        co_return make_error(errc::cancelled, "cancelled");
    co_return v;
}
}  // namespace

ASYNC_TEST(deadline, operation_first)
{
    auto r = co_await with_deadline(wait_then(1ms, 7), 5s);
    EXPECT_TRUE(r && *r == 7);
}

ASYNC_TEST(deadline, deadline_first_cancels_the_operation)
{
    auto start = std::chrono::steady_clock::now();
    auto r = co_await with_deadline(wait_then(30s, 7), 20ms, "too slow");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_FALSE(r.has_value());
    if (!r)
    {
        EXPECT_EQ(r.error().code, errc::timeout);
        EXPECT_EQ(r.error().message, "too slow");
    }
    // The 30 s timer must be gone, or run_async reports work left behind.
}

ASYNC_TEST(deadline, caller_cancellation_is_not_a_timeout)
{
    using namespace asio::experimental::awaitable_operators;
    std::optional<result<int>> got;
    auto op = [&]() -> asio::awaitable<void> { got = co_await with_deadline(wait_then(30s, 7), 10s); };
    co_await (op() || sleep_for(20ms));
    EXPECT_TRUE(got.has_value());
    if (got && !*got)
    {
        EXPECT_EQ(got->error().code, errc::cancelled);
    }
}

ASYNC_TEST(deadline, void_flavour)
{
    EXPECT_TRUE(co_await with_timeout(sleep_for(1ms), 5s));
    EXPECT_FALSE(co_await with_timeout(sleep_for(30s), 10ms));
}
