// The coroutine mutex: each waiter sleeps on its own timer; release hands the mutex to the first waiter and
// wakes it by cancelling that timer, so ownership never passes through an unowned instant.
#include "async/mutex.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk {
namespace asio = boost::asio;

struct async_mutex::waiter
{
    asio::steady_timer timer;
    bool granted = false;
};

async_mutex::lock::lock(lock&& other) noexcept
    : m_(other.m_)
{
    other.m_ = nullptr;
}

async_mutex::lock::~lock()
{
    if (m_)
        m_->release();
}

asio::awaitable<std::optional<async_mutex::lock>>
async_mutex::acquire(std::chrono::steady_clock::duration limit)
{
    if (!held_)
    {
        held_ = true;
        co_return lock(this);
    }
    auto ex = co_await asio::this_coro::executor;
    waiter w{asio::steady_timer(ex, limit)};
    auto it = waiters_.insert(waiters_.end(), &w);
    // Leaves the queue however this frame ends (limit, cancellation, destruction at shutdown).
    struct leave
    {
        async_mutex& m;
        waiter& w;
        std::list<waiter*>::iterator it;
        ~leave()
        {
            if (!w.granted)
                m.waiters_.erase(it);
        }
    } guard{*this, w, it};
    co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (w.granted)
        co_return lock(this);
    co_return std::nullopt;
}

void async_mutex::release() noexcept
{
    if (waiters_.empty())
    {
        held_ = false;
        return;
    }
    auto* next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    next->timer.cancel();
}

}  // namespace vk
