// Waiting for a while inside a coroutine: the one sleep helper of the daemon.
#ifndef VAULTKEEPER_SERVER_ASYNC_SLEEP_HPP
#define VAULTKEEPER_SERVER_ASYNC_SLEEP_HPP

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace vk {

// Waits `d`. Cancellation ends the wait early without throwing here: the caller's next co_await observes it
// (throws operation_aborted), so retry loops can call this unconditionally.
boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d);

}  // namespace vk

#endif
