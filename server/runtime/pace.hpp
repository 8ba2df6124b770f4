// Waits for a token of a token bucket: the async half of core/token_bucket.hpp.
#ifndef VAULTKEEPER_SERVER_RUNTIME_PACE_HPP
#define VAULTKEEPER_SERVER_RUNTIME_PACE_HPP

#include <boost/asio/awaitable.hpp>

#include "core/token_bucket.hpp"

namespace vk::runtime {

// Returns once the caller may send one request. Cancellation ends the wait early (the caller's next
// operation then sees the cancellation).
boost::asio::awaitable<void> pace(token_bucket& bucket);

}  // namespace vk::runtime

#endif
