// async/blocking.hpp: the function runs on a pool thread while the io thread keeps serving other work, the
// caller resumes on its own thread, and an exception from the function reaches the caller.
#include "async/blocking.hpp"
#include "async_test.hpp"
#include "flag_wait.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>

using namespace vk;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

ASYNC_TEST(run_blocking, runs_on_another_thread_and_resumes_on_the_callers)
{
    const auto io_thread = std::this_thread::get_id();
    std::thread::id ran_on;
    co_await run_blocking([&] { ran_on = std::this_thread::get_id(); });
    EXPECT_NE(ran_on, io_thread);
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
}

ASYNC_TEST(run_blocking, the_io_thread_serves_other_work_while_the_function_blocks)
{
    std::atomic<bool> served = false;
    // Queued before the blocking call: it can only run if the io thread is free while the function waits.
    asio::co_spawn(co_await asio::this_coro::executor, raise_flag(served), asio::detached);
    bool seen = false;
    co_await run_blocking([&] { seen = waited_for(served); });
    EXPECT_TRUE(seen);
}

ASYNC_TEST(run_blocking, an_exception_from_the_function_reaches_the_caller)
{
    bool caught = false;
    try
    {
        co_await run_blocking([] { throw std::runtime_error("disk on fire"); });
    }
    catch (const std::runtime_error& e)
    {
        caught = std::string(e.what()) == "disk on fire";
    }
    EXPECT_TRUE(caught);
}

ASYNC_TEST(run_blocking, calls_from_many_coroutines_all_complete)
{
    std::atomic<int> ran = 0;
    int resumed = 0;
    auto one = [&]() -> asio::awaitable<void> {
        co_await run_blocking([&] { ++ran; });
        ++resumed;  // the io thread only: a plain int is enough
    };
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < 50; ++i)
        asio::co_spawn(ex, one(), asio::detached);
    for (int i = 0; i < 500 && resumed < 50; ++i)
        co_await test::sleep_for(10ms);
    EXPECT_EQ(ran, 50);
    EXPECT_EQ(resumed, 50);
}
