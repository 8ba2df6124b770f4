// The webhook notifier against a loopback server (issue 15, "The webhook queue is bounded; the logged URL
// carries host only" and "the notifier giving up after its retries and draining at shutdown").
#include "http/helpers.hpp"
#include "metrics/registry.hpp"
#include "runtime/notifier.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>

namespace {
using namespace std::chrono_literals;
namespace asio = boost::asio;
using vk::runtime::notification;
using vk::runtime::notifier;
using vk::test::with_server;

// Captures what the daemon logs during a test; the previous logger comes back afterwards.
struct log_capture
{
    std::ostringstream out;
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    log_capture()
    {
        auto logger = std::make_shared<spdlog::logger>("capture",
                                                       std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    ~log_capture() { spdlog::set_default_logger(previous); }
    std::string text() const { return out.str(); }
};

// The path of a Slack-style hook is its secret.
constexpr const char* secret_path = "/services/T000/B000/hook-secret-XYZ";

vk::webhook_config hook_at(std::uint16_t port, int max_attempts)
{
    vk::webhook_config c;
    c.url = "http://127.0.0.1:" + std::to_string(port) + secret_path;
    c.max_attempts = max_attempts;
    c.timeout = std::chrono::seconds(5);
    return c;
}

notification note(std::uint64_t cycle)
{
    return {"job-a", cycle, "boom", "2026-01-01T00:00:00Z", "fatal"};
}

// Answers every POST with `status` and records the cycles it saw.
struct hook_server
{
    unsigned status = 204;
    std::vector<std::uint64_t> cycles;
    int attempts = 0;
    vk::http::handler handler()
    {
        return [this](vk::http::request& r) -> asio::awaitable<vk::http::response> {
            ++attempts;
            auto body = boost::json::parse(r.body).as_object();
            cycles.push_back(body.at("cycle").to_number<std::uint64_t>());
            vk::http::response res;
            res.status = status;
            co_return res;
        };
    }
};

}  // namespace

ASYNC_TEST(notifier, gives_up_after_its_retries_counted_and_logged_with_the_host_only)
{
    log_capture logs;
    hook_server hook;
    hook.status = 500;
    vk::metrics::registry metrics;
    co_await with_server(
        vk::test::local_params(), hook.handler(), [&](vk::http::server& srv) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            notifier n(ex, hook_at(srv.port(), 2), &metrics);
            n.notify(note(7));
            n.stop();  // run() drains what is queued, then returns
            co_await n.run();
            EXPECT_EQ(n.failed(), 1u);
            EXPECT_EQ(n.delivered(), 0u);
            EXPECT_EQ(hook.attempts, 2);  // max_attempts, then it gives up
            auto text = logs.text();
            EXPECT_NE(text.find("webhook notification failed"), std::string::npos) << text;
            EXPECT_NE(text.find("http://127.0.0.1:" + std::to_string(srv.port())), std::string::npos) << text;
            EXPECT_EQ(text.find("hook-secret"), std::string::npos) << text;
            EXPECT_EQ(text.find("/services"), std::string::npos) << text;
        });
    EXPECT_NE(metrics.serialize().find("vaultkeeper_webhook_deliveries_total{result=\"failed\"} 1"),
              std::string::npos);
}

ASYNC_TEST(notifier, drains_the_queue_at_shutdown)
{
    hook_server hook;
    co_await with_server(
        vk::test::local_params(), hook.handler(), [&](vk::http::server& srv) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            notifier n(ex, hook_at(srv.port(), 3));
            for (std::uint64_t c = 1; c <= 3; ++c)
                n.notify(note(c));
            n.stop();  // queued before the stop: every one is still attempted before run() returns
            co_await n.run();
            EXPECT_EQ(n.delivered(), 3u);
            EXPECT_EQ(n.queued(), 0u);
        });
    EXPECT_EQ(hook.cycles, (std::vector<std::uint64_t>{1, 2, 3}));
}

ASYNC_TEST(notifier, a_full_queue_drops_the_oldest_and_counts_it)
{
    log_capture logs;
    hook_server hook;
    vk::metrics::registry metrics;
    co_await with_server(
        vk::test::local_params(), hook.handler(), [&](vk::http::server& srv) -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;  // own statement: GCC 12 temporaries bug
            notifier n(ex, hook_at(srv.port(), 1), &metrics, 2);
            for (std::uint64_t c = 1; c <= 5; ++c)
                n.notify(note(c));  // nothing runs yet: the webhook is "down"
            EXPECT_EQ(n.queued(), 2u);
            EXPECT_EQ(n.dropped(), 3u);
            n.stop();
            co_await n.run();
        });
    EXPECT_EQ(hook.cycles, (std::vector<std::uint64_t>{4, 5}));  // the newest survive
    EXPECT_NE(metrics.serialize().find("vaultkeeper_webhook_dropped_total 3"), std::string::npos)
        << metrics.serialize();
    auto text = logs.text();
    EXPECT_NE(text.find("oldest notification dropped"), std::string::npos) << text;
    EXPECT_EQ(text.find("hook-secret"), std::string::npos) << text;
}
