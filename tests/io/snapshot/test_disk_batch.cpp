// snapshot/disk_batch.hpp: bytes reach the writer in order, a MiB at a time and the rest at finish; a write
// that blocks leaves the io thread free; a failed write and a failed finishing step are the caller's errors.
#include "async_test.hpp"
#include "flag_wait.hpp"
#include "snapshot/disk_batch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace vk;
using namespace vk::snapshot;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

ASYNC_TEST(disk_batch, writes_a_mib_at_a_time_in_order_and_the_rest_at_finish)
{
    std::vector<std::size_t> sizes;
    std::string written;
    disk_batch batch([&](std::string_view b) {
        sizes.push_back(b.size());
        written.append(b);
        return result<void>();
    });
    std::string expected;
    for (int i = 0; i < 40; ++i)  // 40 chunks of 64 KiB: two full MiBs, then half a MiB
    {
        std::string chunk(64 << 10, static_cast<char>('a' + i % 26));
        expected += chunk;
        EXPECT_TRUE(co_await batch.add(chunk));
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1 << 20, 1 << 20}));
    bool finished = false;
    EXPECT_TRUE(co_await batch.finish([&] {
        finished = true;
        return result<void>();
    }));
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1 << 20, 1 << 20, 512 << 10}));
    EXPECT_TRUE(finished);
    EXPECT_TRUE(written == expected);
}

ASYNC_TEST(disk_batch, the_io_thread_runs_other_work_while_a_write_blocks)
{
    std::atomic<bool> served = false;
    const auto io_thread = std::this_thread::get_id();
    bool on_other_thread = false, saw_other_work = false;
    disk_batch batch([&](std::string_view) {
        on_other_thread = std::this_thread::get_id() != io_thread;
        saw_other_work = waited_for(served);  // a disk stalled until the io thread has done something
        return result<void>();
    });
    asio::co_spawn(co_await asio::this_coro::executor, raise_flag(served), asio::detached);
    EXPECT_TRUE(co_await batch.add(std::string(1 << 20, 'x')));
    EXPECT_TRUE(on_other_thread);
    EXPECT_TRUE(saw_other_work);
}

ASYNC_TEST(disk_batch, a_failed_write_or_finishing_step_is_the_callers_error)
{
    disk_batch failing(
        [](std::string_view) { return result<void>(make_error(errc::io_error, "disk full")); });
    auto r = co_await failing.add(std::string(1 << 20, 'x'));
    EXPECT_FALSE(r);
    EXPECT_TRUE(!r && r.error().is(errc::io_error));

    disk_batch fine([](std::string_view) { return result<void>(); });
    EXPECT_TRUE(co_await fine.add("tail"));
    const std::function<result<void>()> failing_fsync = [] {
        return result<void>(make_error(errc::io_error, "fsync failed"));
    };
    auto f = co_await fine.finish(failing_fsync);
    EXPECT_TRUE(!f && f.error().message.find("fsync failed") != std::string::npos);
}
