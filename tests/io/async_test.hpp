// ASYNC_TEST: a GoogleTest case whose body is a coroutine on a fresh io_context. The test fails if the body
// throws, does not finish within the timeout, or leaves work behind (timers, sockets, coroutines).
// Only EXPECT_* may be used inside the coroutine (ASSERT_* expands to a plain return).
#ifndef VAULTKEEPER_TESTS_IO_ASYNC_TEST_HPP
#define VAULTKEEPER_TESTS_IO_ASYNC_TEST_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>

namespace vk::test {

// Runs body() to completion on its own io_context; see the file comment for what fails the test.
inline void run_async(const std::function<boost::asio::awaitable<void>()>& body,
                      std::chrono::steady_clock::duration timeout = std::chrono::seconds(20))
{
    boost::asio::io_context ctx;
    bool done = false;
    std::exception_ptr failure;
    boost::asio::co_spawn(ctx, body(), [&](std::exception_ptr e) {
        done = true;
        failure = e;
    });
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && !ctx.stopped() && std::chrono::steady_clock::now() < deadline)
        ctx.run_one_until(deadline);
    if (!done)
    {
        ADD_FAILURE() << "coroutine did not finish in time";
        return;
    }
    if (failure)
    {
        try
        {
            std::rethrow_exception(failure);
        }
        catch (const std::exception& e)
        {
            ADD_FAILURE() << "coroutine threw: " << e.what();
        }
        return;
    }
    // Whatever is still queued must drain quickly: anything left running is a leak.
    ctx.run_for(std::chrono::seconds(2));
    EXPECT_TRUE(ctx.stopped()) << "work left on the io_context after the test body finished";
}

// Waits `d` on the current executor (for tests that need the clock to move, e.g. timeouts).
inline boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d)
{
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
    co_await t.async_wait(boost::asio::use_awaitable);
}

// Polls `cond` every millisecond until it holds or `limit` passes; returns cond().
inline boost::asio::awaitable<bool>
eventually(std::function<bool()> cond, std::chrono::steady_clock::duration limit = std::chrono::seconds(5))
{
    auto end = std::chrono::steady_clock::now() + limit;
    while (!cond() && std::chrono::steady_clock::now() < end)
        co_await sleep_for(std::chrono::milliseconds(1));
    co_return cond();
}

}  // namespace vk::test

#define VK_ASYNC_BODY_NAME(suite, name) suite##_##name##_async_body

// ASYNC_TEST(suite, name) { co_await ...; EXPECT_...; }
#define ASYNC_TEST(suite, name)                                                                              \
    static boost::asio::awaitable<void> VK_ASYNC_BODY_NAME(suite, name)();                                   \
    TEST(suite, name)                                                                                        \
    {                                                                                                        \
        ::vk::test::run_async(&VK_ASYNC_BODY_NAME(suite, name));                                             \
    }                                                                                                        \
    static boost::asio::awaitable<void> VK_ASYNC_BODY_NAME(suite, name)()

#endif
