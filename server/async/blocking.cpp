// The blocking pool: two plain threads and a queue. Only fn runs there; the completion is posted back to the
// caller's executor, so no coroutine frame and no Asio operation is ever resumed on a pool thread.
#include "async/blocking.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

namespace vk {
namespace asio = boost::asio;

namespace {

// Two threads: one job's write cannot hold up every other job's, and a host runs few emissary jobs.
constexpr int pool_threads = 2;

class blocking_pool
{
public:
    void submit(std::function<void()> task)
    {
        {
            std::lock_guard lock(mutex_);
            if (threads_.empty())
                for (int i = 0; i < pool_threads; ++i)
                    threads_.emplace_back([this] { work(); });
            queue_.push_back(std::move(task));
        }
        ready_.notify_one();
    }

    ~blocking_pool()
    {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (auto& t : threads_)
            t.join();
    }

private:
    void work()
    {
        // Signals (SIGTERM, SIGHUP, SIGCHLD) are the io thread's business: a pool thread never takes one.
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, nullptr);
        for (;;)
        {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty())
                    return;
                task = std::move(queue_.front());
                queue_.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::thread> threads_;
    bool stopping_ = false;
};

blocking_pool& pool()
{
    static blocking_pool p;
    return p;
}

}  // namespace

asio::awaitable<void> run_blocking(const std::function<void()>& fn)
{
    auto ex = co_await asio::this_coro::executor;
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(
        [&fn, ex](auto handler) {
            // Tracked work keeps the io_context running until the completion is back on it.
            auto home = asio::prefer(ex, asio::execution::outstanding_work.tracked);
            auto held = std::make_shared<decltype(handler)>(std::move(handler));
            pool().submit([&fn, held, home]() mutable {
                std::exception_ptr failure;
                try
                {
                    fn();
                }
                catch (...)
                {
                    failure = std::current_exception();
                }
                // The handler (which owns the coroutine's frame) only ever runs and dies on the caller's
                // thread.
                asio::post(home, [held = std::move(held), failure] { (*held)(failure); });
            });
        },
        asio::use_awaitable);
}

void run_detached_blocking(std::function<void()> fn)
{
    pool().submit([fn = std::move(fn)] {
        try
        {
            fn();
        }
        catch (...)  // nobody waits for it: nothing to report to
        {
        }
    });
}

}  // namespace vk
