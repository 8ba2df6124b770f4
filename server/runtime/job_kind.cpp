// Defaults: no start-up checks, no background work.
#include "runtime/job_kind.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::runtime {

boost::asio::awaitable<vk::result<void>> job_body::start(cycle_context&)
{
    co_return vk::result<void>{};
}

boost::asio::awaitable<void> job_body::background(const std::function<void()>&)
{
    namespace asio = boost::asio;
    asio::steady_timer forever(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
}

boost::asio::awaitable<action_result> ready(action_result r)
{
    co_return r;
}

}  // namespace vk::runtime
