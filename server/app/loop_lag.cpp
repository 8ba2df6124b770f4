// The lag sampler: each wake-up's lateness against the time the timer was due.
#include "app/loop_lag.hpp"

#include "metrics/registry.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::app {
namespace asio = boost::asio;

loop_lag::loop_lag(asio::any_io_executor ex, metrics::registry& metrics, std::chrono::milliseconds period)
    : timer_(std::move(ex)),
      metrics_(metrics),
      period_(period)
{
}

asio::awaitable<void> loop_lag::run()
{
    while (!stopping_)
    {
        timer_.expires_after(period_);
        const auto due = timer_.expiry();
        auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec || stopping_)
            co_return;  // stopped, or cancelled with the daemon's run
        metrics_.event_loop_lag(
            std::chrono::duration<double>(asio::steady_timer::clock_type::now() - due).count());
    }
}

void loop_lag::stop()
{
    stopping_ = true;
    timer_.cancel();
}

}  // namespace vk::app
