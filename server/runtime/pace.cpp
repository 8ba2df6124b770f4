#include "runtime/pace.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::runtime {
namespace asio = boost::asio;

asio::awaitable<void> pace(token_bucket& bucket)
{
    auto wait = bucket.reserve(token_bucket::clock::now());
    if (wait <= token_bucket::clock::duration::zero())
        co_return;
    asio::steady_timer t(co_await asio::this_coro::executor, wait);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace vk::runtime
