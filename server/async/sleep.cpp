// The sleep helper: a steady_timer awaited with as_tuple so cancellation is a value, not an exception.
#include "async/sleep.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk {

boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d)
{
    namespace asio = boost::asio;
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace vk
