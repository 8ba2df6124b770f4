// Letting the rest of the io_context run in the middle of long CPU work.
#ifndef VAULTKEEPER_SERVER_ASYNC_YIELD_HPP
#define VAULTKEEPER_SERVER_ASYNC_YIELD_HPP

#include <boost/asio/awaitable.hpp>

namespace vk {

// Resumes after every handler already queued on the caller's executor ran: CPU work split into steps
// yields between steps, so that the admin API, lock renewals and other jobs' timers wait behind one step at
// most, never behind the whole pass.
boost::asio::awaitable<void> yield_now();

}  // namespace vk

#endif
