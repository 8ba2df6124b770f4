// for_each_bounded: `limit` worker coroutines pulling indices, joined with a ranged parallel group (which
// forwards the caller's cancellation to every worker).
#include "runtime/workers.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <vector>

namespace vk::runtime {
namespace asio = boost::asio;

namespace {

// Runs `workers` copies of worker() and waits for all; the first exception is rethrown.
asio::awaitable<void> run_workers(std::size_t workers, const std::function<asio::awaitable<void>()>& worker)
{
    auto ex = co_await asio::this_coro::executor;
    using op_type = decltype(asio::co_spawn(ex, worker(), asio::deferred));
    std::vector<op_type> ops;
    for (std::size_t k = 0; k < workers; ++k)
        ops.push_back(asio::co_spawn(ex, worker(), asio::deferred));
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (auto i : order)
        if (errors[i])
            std::rethrow_exception(errors[i]);
}

}  // namespace

asio::awaitable<void> for_each_bounded(std::size_t count, std::size_t limit,
                                       const std::function<asio::awaitable<void>(std::size_t)>& fn)
{
    if (count == 0)
        co_return;
    std::size_t next = 0;
    bool stop = false;
    // Named, not a temporary in the co_spawn expression: GCC 12 bug 107288.
    std::function<asio::awaitable<void>()> worker = [&]() -> asio::awaitable<void> {
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
    co_await run_workers(std::min(std::max<std::size_t>(limit, 1), count), worker);
}

asio::awaitable<void> for_each_growing(std::size_t limit, const std::function<std::size_t()>& size,
                                       const std::function<asio::awaitable<void>(std::size_t)>& fn)
{
    std::size_t next = 0;
    std::size_t busy = 0;
    bool stop = false;
    // Idle workers wait on this timer; cancel() wakes them all when work was added or the last one ended.
    asio::steady_timer more(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    std::function<asio::awaitable<void>()> worker = [&]() -> asio::awaitable<void> {
        while (!stop)
        {
            if (next < size())
            {
                std::size_t i = next++;
                ++busy;
                struct done_guard
                {
                    std::size_t& busy;
                    asio::steady_timer& more;
                    ~done_guard()
                    {
                        --busy;
                        more.cancel();
                    }
                } guard{busy, more};
                try
                {
                    co_await fn(i);
                }
                catch (...)
                {
                    stop = true;
                    throw;
                }
                continue;
            }
            if (busy == 0)
                break;  // nothing left and nobody can add more
            // No expires_at here: it would cancel the other idle workers' waits and make them spin.
            co_await more.async_wait(asio::as_tuple(asio::use_awaitable));
            auto cs = co_await asio::this_coro::cancellation_state;
            if (cs.cancelled() != asio::cancellation_type::none)
                co_return;
        }
    };
    co_await run_workers(std::max<std::size_t>(limit, 1), worker);
}

}  // namespace vk::runtime
