// Bounded concurrency inside a cycle: fn(0..count-1) with at most `limit` in flight, all structured under
// the caller, so cancelling the caller cancels and awaits every running fn.
#ifndef VAULTKEEPER_SERVER_RUNTIME_WORKERS_HPP
#define VAULTKEEPER_SERVER_RUNTIME_WORKERS_HPP

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>

namespace vk::runtime {

// Returns when every fn returned. If the caller is cancelled, fn calls not yet started are skipped, running
// ones are cancelled and awaited, then the cancellation is rethrown. fn should report expected failures
// itself; an exception from one fn stops new work and is rethrown once the others finished.
// fn is taken by reference (it must outlive the call, as a temporary in the co_await expression does):
// GCC 12 mis-destroys temporaries converted into a coroutine's by-value parameters.
boost::asio::awaitable<void>
for_each_bounded(std::size_t count, std::size_t limit,
                 const std::function<boost::asio::awaitable<void>(std::size_t)>& fn);

// The same over a list that grows while it runs (a recursive walk: listing a folder adds its children):
// fn(i) for every i < size(), where size() may increase during any fn call; returns once every index
// was processed and none is running. Same cancellation and exception rules as for_each_bounded.
boost::asio::awaitable<void>
for_each_growing(std::size_t limit, const std::function<std::size_t()>& size,
                 const std::function<boost::asio::awaitable<void>(std::size_t)>& fn);

}  // namespace vk::runtime

#endif
