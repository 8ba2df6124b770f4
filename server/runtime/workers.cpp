// for_each_bounded: `limit` worker coroutines pulling indices, joined with a ranged parallel group (which
// forwards the caller's cancellation to every worker).
#include "runtime/workers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <vector>

namespace vk::runtime {
namespace asio = boost::asio;

asio::awaitable<void> for_each_bounded(std::size_t count, std::size_t limit,
                                       const std::function<asio::awaitable<void>(std::size_t)>& fn)
{
    if (count == 0)
        co_return;
    if (limit == 0)
        limit = 1;
    std::size_t next = 0;
    bool stop = false;
    // Named, not a temporary in the co_spawn expression: GCC 12 bug 107288.
    auto worker = [&]() -> asio::awaitable<void> {
        while (!stop && next < count)
        {
            std::size_t i = next++;
            try
            {
                co_await fn(i);
            }
            catch (...)
            {
                stop = true;
                throw;
            }
        }
    };
    auto ex = co_await asio::this_coro::executor;
    using op_type = decltype(asio::co_spawn(ex, worker(), asio::deferred));
    std::vector<op_type> ops;
    for (std::size_t k = 0; k < std::min(limit, count); ++k)
        ops.push_back(asio::co_spawn(ex, worker(), asio::deferred));
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (auto i : order)
        if (errors[i])
            std::rethrow_exception(errors[i]);
}

}  // namespace vk::runtime
