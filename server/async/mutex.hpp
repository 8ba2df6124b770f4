// One coroutine at a time on one executor: a mutex for coroutines (no threads involved). Waiters are served
// in the order they came; a waiter that gives up (its limit passed, or it was cancelled) leaves the queue.
#ifndef VAULTKEEPER_SERVER_ASYNC_MUTEX_HPP
#define VAULTKEEPER_SERVER_ASYNC_MUTEX_HPP

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <list>
#include <optional>

namespace vk {

class async_mutex
{
    struct waiter;

public:
    // Held while it lives; moving it moves the ownership.
    class lock
    {
    public:
        lock(lock&& other) noexcept;
        lock& operator=(lock&&) = delete;
        ~lock();

    private:
        friend class async_mutex;
        explicit lock(async_mutex* m) noexcept
            : m_(m)
        {
        }
        async_mutex* m_;
    };

    async_mutex() = default;
    async_mutex(const async_mutex&) = delete;
    async_mutex& operator=(const async_mutex&) = delete;

    // Waits for its turn for at most `limit`: nullopt when the limit passed first, or when the wait was
    // cancelled (the caller's next co_await then throws).
    boost::asio::awaitable<std::optional<lock>> acquire(std::chrono::steady_clock::duration limit);

    bool held() const noexcept { return held_; }

private:
    void release() noexcept;

    bool held_ = false;
    std::list<waiter*> waiters_;
};

}  // namespace vk

#endif
