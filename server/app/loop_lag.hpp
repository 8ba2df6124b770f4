// Samples the io thread's lag: a timer due every 10 ms, how late it fires observed in
// vaultkeeper_event_loop_lag_seconds. CPU-bound work that does not yield shows here first, before the admin
// API, the HA lock renewal or another job's timer misses its time.
#ifndef VAULTKEEPER_SERVER_APP_LOOP_LAG_HPP
#define VAULTKEEPER_SERVER_APP_LOOP_LAG_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace vk::metrics {
class registry;
}

namespace vk::app {

class loop_lag
{
public:
    loop_lag(boost::asio::any_io_executor ex, metrics::registry& metrics,
             std::chrono::milliseconds period = std::chrono::milliseconds(10));

    // Samples until stop().
    boost::asio::awaitable<void> run();
    void stop();

private:
    boost::asio::steady_timer timer_;
    metrics::registry& metrics_;
    std::chrono::milliseconds period_;
    bool stopping_ = false;
};

}  // namespace vk::app

#endif
