// app/loop_lag: a callback that holds the io thread shows as lag in vaultkeeper_event_loop_lag_seconds; an
// idle loop shows next to none; stop() ends the sampler at once.
#include "app/loop_lag.hpp"
#include "async_test.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <regex>
#include <thread>

using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// The histogram's _sum and _count from the text exposition.
std::pair<double, double> lag_sum_and_count(const vk::metrics::registry& m)
{
    auto text = m.serialize();
    std::smatch sum, count;
    std::regex_search(text, sum, std::regex("vaultkeeper_event_loop_lag_seconds_sum ([0-9.e+-]+)"));
    std::regex_search(text, count, std::regex("vaultkeeper_event_loop_lag_seconds_count ([0-9.e+-]+)"));
    return {sum.empty() ? -1 : std::stod(sum[1]), count.empty() ? -1 : std::stod(count[1])};
}

asio::awaitable<void> pause(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

ASYNC_TEST(loop_lag, a_callback_holding_the_io_thread_is_seen_as_lag)
{
    vk::metrics::registry m;
    auto ex = co_await asio::this_coro::executor;
    vk::app::loop_lag lag(ex, m);
    asio::co_spawn(ex, lag.run(), asio::detached);
    co_await pause(100ms);  // idle: ten samples or so, each barely late
    auto [idle_sum, idle_count] = lag_sum_and_count(m);
    EXPECT_GE(idle_count, 3);
    EXPECT_LT(idle_sum / idle_count, 0.02);  // next to nothing, with room for a loaded CI machine
    // What a CPU-bound loop that never yields does to everything else on the thread.
    asio::post(ex, [] { std::this_thread::sleep_for(80ms); });
    co_await pause(50ms);
    auto [busy_sum, busy_count] = lag_sum_and_count(m);
    EXPECT_GT(busy_count, idle_count);
    EXPECT_GE(busy_sum - idle_sum, 0.05) << "the 80 ms hold is seen";
    lag.stop();
}
