// Trying an operation again at once, without waiting: a compare-and-swap that lost a race, a store write
// whose data exists nowhere else. (The HTTP client's retries with backoff are http/retry's policy.)
#ifndef VAULTKEEPER_SERVER_ASYNC_RETRY_HPP
#define VAULTKEEPER_SERVER_ASYNC_RETRY_HPP

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <utility>

namespace vk {

// Runs `attempt()` (returning awaitable<result<T>>) up to `max_attempts` times (at least once): again while
// its error satisfies `again(error)`. Returns the last attempt's result, so an error that satisfies `again`
// means the attempts ran out. `attempt` and `again` are kept for the whole call (references they capture
// must outlive it).
template <class Attempt, class Again>
auto retry_while(int max_attempts, Attempt attempt, Again again) -> decltype(attempt())
{
    auto r = co_await attempt();
    for (int done = 1; done < max_attempts && !r && again(r.error()); ++done)
        r = co_await attempt();
    co_return r;
}

// A compare-and-swap loop: retries while the error is errc::conflict (the version read was overtaken) and
// `allow(error)` accepts it (a conflict that a retry cannot change, e.g. someone else's object, is not
// retried). As retry_while: an allowed conflict returned means the attempts ran out.
template <class Attempt, class Allow>
auto retry_on_conflict(int max_attempts, Attempt attempt, Allow allow) -> decltype(attempt())
{
    // Named, not a temporary in the co_await expression (GCC 12 mishandles those: bug 107288).
    auto lost_race = [allow = std::move(allow)](const error& e) { return e.is(errc::conflict) && allow(e); };
    co_return co_await retry_while(max_attempts, std::move(attempt), std::move(lost_race));
}

}  // namespace vk

#endif
