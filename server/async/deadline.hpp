// Run an awaitable under a deadline: the one timeout helper of the daemon (Boost 1.81 has no cancel_after).
#ifndef VAULTKEEPER_SERVER_ASYNC_DEADLINE_HPP
#define VAULTKEEPER_SERVER_ASYNC_DEADLINE_HPP

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>

namespace vk {

namespace detail {
template <class T> boost::asio::awaitable<std::optional<T>> wrap_optional(boost::asio::awaitable<T> op)
{
    // parallel_group wants default-constructible results; optional makes any T fit.
    co_return std::optional<T>(co_await std::move(op));
}
}  // namespace detail

// Runs `op` until it completes or `timeout` elapses, whichever is first. On timeout `op` receives a
// terminal cancellation through its cancellation slot and is awaited to completion before this returns,
// so nothing outlives the call. Returns op's value, or nullopt when the deadline won.
// Cancellation: cancelling the awaiting coroutine cancels `op`; op's own value (usually errc::cancelled)
// is returned then, never nullopt. Exceptions thrown by `op` are rethrown, except after a timeout.
template <class T>
boost::asio::awaitable<std::optional<T>> with_timeout(boost::asio::awaitable<T> op,
                                                      std::chrono::steady_clock::duration timeout)
{
    namespace asio = boost::asio;
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex, timeout);
    auto [order, exc, value, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, detail::wrap_optional(std::move(op)), asio::deferred),
            timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    // The timer finishing first without error is the only "timed out" (whatever op did once cancelled,
    // e.g. throw operation_aborted); a timer aborted by the caller's cancellation means op was cancelled
    // too, and its own value (or exception) says so.
    if (order[0] == 1 && !timer_ec)
        co_return std::nullopt;
    if (exc)
        std::rethrow_exception(exc);
    co_return std::move(value);
}

// Same for an operation returning vk::result<T>: a timeout becomes errc::timeout with `what` as message.
template <class T>
boost::asio::awaitable<result<T>> with_deadline(boost::asio::awaitable<result<T>> op,
                                                std::chrono::steady_clock::duration timeout,
                                                std::string what = "deadline exceeded")
{
    auto r = co_await with_timeout(std::move(op), timeout);
    if (!r)
        co_return make_error(errc::timeout, std::move(what));
    co_return std::move(*r);
}

// Runs a void operation under a deadline; true when it completed, false when the deadline won.
boost::asio::awaitable<bool> with_timeout(boost::asio::awaitable<void> op,
                                          std::chrono::steady_clock::duration timeout);

}  // namespace vk

#endif
