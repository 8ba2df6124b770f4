// for_each_growing: a work list that grows while it runs, with a bound on concurrency and cancellation.
#include "async/deadline.hpp"
#include "async_test.hpp"
#include "runtime/workers.hpp"

#include <algorithm>

namespace {
using namespace std::chrono_literals;
namespace asio = boost::asio;

ASYNC_TEST(workers_growing, walks_a_tree_within_the_limit)
{
    // Node i has children 3i+1..3i+3 below 121 (a 5-level ternary tree).
    std::vector<std::size_t> items{0};
    std::vector<std::size_t> seen;
    int in_flight = 0, peak = 0;
    std::function<std::size_t()> size = [&] { return items.size(); };
    std::function<asio::awaitable<void>(std::size_t)> fn = [&](std::size_t i) -> asio::awaitable<void> {
        std::size_t node = items[i];
        peak = std::max(peak, ++in_flight);
        co_await vk::test::sleep_for(1ms);
        --in_flight;
        seen.push_back(node);
        for (std::size_t c = 3 * node + 1; c <= 3 * node + 3 && c < 121; ++c)
            items.push_back(c);
    };
    co_await vk::runtime::for_each_growing(4, size, fn);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen.size(), 121u);
    EXPECT_EQ(seen.front(), 0u);
    EXPECT_EQ(seen.back(), 120u);
    EXPECT_EQ(peak, 4) << "the limit must be used and never exceeded";
}

ASYNC_TEST(workers_growing, empty_list_returns_at_once)
{
    std::function<std::size_t()> size = [] { return std::size_t{0}; };
    int calls = 0;
    std::function<asio::awaitable<void>(std::size_t)> fn = [&](std::size_t) -> asio::awaitable<void> {
        ++calls;
        co_return;
    };
    co_await vk::runtime::for_each_growing(8, size, fn);
    EXPECT_EQ(calls, 0);
}

ASYNC_TEST(workers_growing, deadline_cancels_running_and_idle_workers)
{
    std::vector<int> items{0};
    int finished = 0;
    std::function<std::size_t()> size = [&] { return items.size(); };
    std::function<asio::awaitable<void>(std::size_t)> fn = [&](std::size_t) -> asio::awaitable<void> {
        co_await vk::test::sleep_for(10s);  // one slow item; the other workers idle, waiting for more
        ++finished;
    };
    auto t0 = std::chrono::steady_clock::now();
    bool completed = co_await vk::with_timeout(vk::runtime::for_each_growing(4, size, fn), 100ms);
    EXPECT_FALSE(completed);
    EXPECT_EQ(finished, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

}  // namespace
