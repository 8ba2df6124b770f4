// async/mutex.hpp: one holder at a time, waiters served in order, a waiter that gives up (limit or
// cancellation) leaves the queue so a release never hands the mutex to nobody.
#include "async/mutex.hpp"
#include "async_test.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <string>
#include <vector>

using namespace vk;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// Takes the mutex, notes its name, holds it for `hold`, releases.
asio::awaitable<void> take(async_mutex& m, std::vector<std::string>& order, std::string name,
                           std::chrono::milliseconds hold)
{
    auto l = co_await m.acquire(10s);
    EXPECT_TRUE(l.has_value()) << name;
    order.push_back(name);
    co_await test::sleep_for(hold);
}

asio::awaitable<bool> acquired(async_mutex& m, std::chrono::steady_clock::duration limit)
{
    auto l = co_await m.acquire(limit);
    co_return l.has_value();
}

}  // namespace

ASYNC_TEST(async_mutex, uncontended_acquire_and_release)
{
    async_mutex m;
    {
        auto l = co_await m.acquire(1s);
        EXPECT_TRUE(l.has_value());
        EXPECT_TRUE(m.held());
    }
    EXPECT_FALSE(m.held());
}

ASYNC_TEST(async_mutex, waiters_are_served_one_at_a_time_in_order)
{
    async_mutex m;
    std::vector<std::string> order;
    auto ex = co_await asio::this_coro::executor;
    auto first = co_await m.acquire(1s);
    asio::co_spawn(ex, take(m, order, "a", 20ms), asio::detached);
    asio::co_spawn(ex, take(m, order, "b", 0ms), asio::detached);
    co_await test::sleep_for(20ms);
    EXPECT_TRUE(order.empty());  // both wait while the first holder lives
    first.reset();
    for (int i = 0; i < 200 && order.size() < 2; ++i)
        co_await test::sleep_for(5ms);
    EXPECT_EQ(order, (std::vector<std::string>{"a", "b"}));
    for (int i = 0; i < 200 && m.held(); ++i)
        co_await test::sleep_for(5ms);
    EXPECT_FALSE(m.held());
}

ASYNC_TEST(async_mutex, a_waiter_whose_limit_passes_gets_nothing_and_leaves_the_queue)
{
    async_mutex m;
    auto held = co_await m.acquire(1s);
    EXPECT_FALSE(co_await acquired(m, 20ms));
    held.reset();
    EXPECT_FALSE(m.held());  // nobody was left queued to hand it to
    EXPECT_TRUE(co_await acquired(m, 1s));
}

ASYNC_TEST(async_mutex, a_cancelled_waiter_leaves_the_queue)
{
    using namespace asio::experimental::awaitable_operators;
    async_mutex m;
    auto held = co_await m.acquire(1s);
    auto r =
        co_await (acquired(m, 10s) || test::sleep_for(20ms));  // the sleep wins, the acquire is cancelled
    EXPECT_EQ(r.index(), 1u);
    held.reset();
    EXPECT_FALSE(m.held());
}
