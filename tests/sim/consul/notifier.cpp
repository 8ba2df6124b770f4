// Blocking-query wake-ups (see notifier.hpp).
#include "notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace csim {

namespace asio = boost::asio;

asio::awaitable<bool> notifier::wait(std::string key, bool tree,
                                     std::chrono::steady_clock::time_point deadline)
{
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex, deadline);
    waiter w{std::move(key), tree, &timer, false};
    auto it = waiters_.insert(waiters_.end(), &w);
    // notify() cancels the timer: operation_aborted then means "woken", not an error.
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    waiters_.erase(it);
    co_return w.fired;
}

void notifier::wake(waiter& w)
{
    if (w.fired)
        return;
    w.fired = true;
    w.timer->cancel();
}

void notifier::notify(std::string_view key, bool tree)
{
    for (auto* w : waiters_)
    {
        std::string_view watched = w->key;
        bool hit = w->tree ? key.starts_with(watched) : key == watched;
        // A tree write (delete-tree) also reaches every watcher below its prefix.
        if (hit || (tree && watched.starts_with(key)))
            wake(*w);
    }
}

void notifier::notify_all()
{
    for (auto* w : waiters_)
        wake(*w);
}

}  // namespace csim
