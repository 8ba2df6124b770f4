// Blocking system calls (file writes, fsyncs) off the io thread: a small pool of plain threads runs them
// while the calling coroutine waits, so the admin API and the other jobs keep running during a slow disk.
#ifndef VAULTKEEPER_SERVER_ASYNC_BLOCKING_HPP
#define VAULTKEEPER_SERVER_ASYNC_BLOCKING_HPP

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace vk {

// Runs fn on a blocking-pool thread and resumes the caller on its own executor afterwards (an exception from
// fn is rethrown there). fn must touch nothing the io thread uses meanwhile: it may read and write what the
// waiting coroutine owns (its frame stays alive until fn returned). Not cancellable once queued: a write is
// finished or fails, and the caller's next co_await observes a cancellation that came meanwhile.
// fn is taken by reference and must outlive the call, as a temporary in the co_await expression does (GCC 12
// mis-destroys temporaries converted into a coroutine's by-value parameters).
boost::asio::awaitable<void> run_blocking(const std::function<void()>& fn);

// Runs fn on a blocking-pool thread and waits for nothing (unlinking a multi-GiB file, which the kernel may
// take seconds to free). fn owns all it touches; an exception from it is dropped. Queued work is finished
// before the process exits.
void run_detached_blocking(std::function<void()> fn);

}  // namespace vk

#endif
