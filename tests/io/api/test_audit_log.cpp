// api/audit_log: lines appended and fsynced on the blocking pool; reopen() (SIGHUP, logrotate) sends the next
// line to a new file at the path, even when a write that began before it ends after it.
#include "api/audit_log.hpp"
#include "async_test.hpp"
#include "temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>

namespace asio = boost::asio;
using namespace std::chrono_literals;

ASYNC_TEST(audit_log, a_write_in_flight_during_a_reopen_does_not_keep_the_rotated_file)
{
    vk::test::temp_dir dir("audit-log");
    const auto path = dir.path / "audit.log";
    vk::api::audit_log log(vk::audit_config{path.string(), true});
    EXPECT_TRUE(co_await log.append("first\n"));  // the file is open and cached now

    auto ex = co_await asio::this_coro::executor;
    bool in_flight_done = false;
    asio::co_spawn(ex, log.append("in flight\n"), [&](std::exception_ptr, vk::result<void> r) {
        EXPECT_TRUE(r);
        in_flight_done = true;
    });
    co_await asio::post(ex, asio::use_awaitable);  // the write is on the pool now; its end comes after:
    std::filesystem::rename(path, dir.path / "audit.log.1");  // logrotate moves the file away
    log.reopen();                                             // SIGHUP
    for (int i = 0; i < 500 && !in_flight_done; ++i)
    {
        asio::steady_timer t(ex, 2ms);
        co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_TRUE(in_flight_done);
    EXPECT_TRUE(co_await log.append("after\n"));
    EXPECT_EQ(vk::test::slurp(dir.path / "audit.log.1"), "first\nin flight\n");
    EXPECT_EQ(vk::test::slurp(path), "after\n") << "the next line goes to the new file";
}
