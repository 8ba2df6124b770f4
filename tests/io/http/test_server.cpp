// vk::http::server over real loopback sockets: answers, limits, timeouts, handler failures, stop.
#include "http/helpers.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/value.hpp>

using namespace vk;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

std::string get_request(std::string_view target, std::string_view extra = "")
{
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra) +
           "Connection: close\r\n\r\n";
}

}  // namespace

ASYNC_TEST(http_server, answers_and_decodes_request)
{
    http::request seen;
    auto h = [&](http::request& r) -> asio::awaitable<http::response> {
        seen = r;
        co_return http::response::json(200, boost::json::value{{"ok", true}});
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto out = co_await raw_exchange(srv.port(), get_request("/v1/a%20b?x=1&y=%2F", "X-Token: t\r\n"));
        EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
        EXPECT_NE(out.find("{\"ok\":true}"), std::string::npos) << out;
        EXPECT_NE(out.find("application/json"), std::string::npos);
    });
    EXPECT_EQ(seen.method, "GET");
    EXPECT_EQ(seen.path, "/v1/a b");
    EXPECT_EQ(seen.target, "/v1/a%20b?x=1&y=%2F");
    EXPECT_EQ(seen.query_param("y").value_or(""), "/");
    EXPECT_EQ(seen.headers.get("x-token").value_or(""), "t");
    EXPECT_TRUE(seen.remote_address.starts_with("127.0.0.1:"));
}

// Issue 15: a HEAD answer has the GET answer's headers (Content-Length of the body it would have) and no
// body.
ASYNC_TEST(http_server, head_answer_has_no_body)
{
    auto h = [](http::request&) -> asio::awaitable<http::response> {
        co_return http::response::json(200, boost::json::value{{"state", "idle"}});
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto out = co_await raw_exchange(srv.port(),
                                         "HEAD /v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
        EXPECT_NE(out.find("Content-Length: 16\r\n"), std::string::npos) << out;
        auto end_of_head = out.find("\r\n\r\n");
        EXPECT_NE(end_of_head, std::string::npos) << out;
        EXPECT_EQ(out.size(), end_of_head + 4) << "bytes after the header: " << out;
    });
}

ASYNC_TEST(http_server, malformed_request_is_400_json)
{
    co_await with_server(local_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto out = co_await raw_exchange(srv.port(), "GARBAGE\x01 / HTTP/1.1\r\n\r\n");
        EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
        EXPECT_NE(out.find("{\"error\":{\"code\":\"bad_request\""), std::string::npos) << out;
    });
}

ASYNC_TEST(http_server, body_over_limit_is_413)
{
    auto p = local_params();
    p.body_limit = 10;
    co_await with_server(p, echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto out = co_await raw_exchange(
            srv.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n01234567890");
        EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out;
        EXPECT_NE(out.find("\"code\":\"too_large\""), std::string::npos) << out;
        // At the limit is fine.
        out = co_await raw_exchange(
            srv.port(),
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789");
        EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
    });
}

ASYNC_TEST(http_server, header_over_limit_is_431)
{
    auto p = local_params();
    p.header_limit = 1024;
    co_await with_server(p, echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto out =
            co_await raw_exchange(srv.port(), get_request("/", "X-Big: " + std::string(2000, 'a') + "\r\n"));
        EXPECT_TRUE(out.starts_with("HTTP/1.1 431")) << out;
        EXPECT_NE(out.find("\"code\":\"too_large\""), std::string::npos) << out;
    });
}

ASYNC_TEST(http_server, handler_exception_is_500_and_server_keeps_serving)
{
    auto h = [](http::request& r) -> asio::awaitable<http::response> {
        if (r.path == "/boom")
            throw std::runtime_error("bug");
        co_return http::response::text(200, "fine");
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto out = co_await raw_exchange(srv.port(), get_request("/boom"));
        EXPECT_TRUE(out.starts_with("HTTP/1.1 500")) << out;
        EXPECT_NE(out.find("\"code\":\"internal\""), std::string::npos) << out;
        EXPECT_EQ(out.find("bug"), std::string::npos) << "exception text must not leak to the client";
        out = co_await raw_exchange(srv.port(), get_request("/ok"));
        EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
    });
}

ASYNC_TEST(http_server, slow_client_is_cut_by_read_timeout)
{
    auto p = local_params();
    p.read_timeout = 200ms;
    co_await with_server(p, echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto s = co_await connect_raw(srv.port());
        auto start = std::chrono::steady_clock::now();
        // Trickle a header byte by byte, never finishing: the whole-request deadline must close us.
        std::string partial = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        co_await asio::async_write(s, asio::buffer(partial), asio::use_awaitable);
        bool closed = false;
        for (int i = 0; i < 40 && !closed; ++i)
        {
            co_await sleep_for(25ms);
            auto [ec, n] =
                co_await asio::async_write(s, asio::buffer("a", 1), asio::as_tuple(asio::use_awaitable));
            closed = bool(ec);
        }
        if (!closed)
            co_await read_all(s);
        auto took = std::chrono::steady_clock::now() - start;
        EXPECT_LT(took, 900ms);
        EXPECT_TRUE(co_await eventually([&] { return srv.connection_count() == 0; }));
    });
}

ASYNC_TEST(http_server, keep_alive_serves_several_requests_on_one_connection)
{
    co_await with_server(local_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto s = co_await connect_raw(srv.port());
        std::string two =
            "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        co_await asio::async_write(s, asio::buffer(two), asio::use_awaitable);
        auto out = co_await read_all(s);
        EXPECT_NE(out.find("X-Path: /1"), std::string::npos) << out;
        EXPECT_NE(out.find("X-Path: /2"), std::string::npos) << out;
        EXPECT_EQ(srv.accepted_count(), 1u);
    });
}

ASYNC_TEST(http_server, stop_ends_idle_keep_alive_connections_promptly)
{
    auto start = std::chrono::steady_clock::now();
    asio::ip::tcp::socket* keep = nullptr;
    std::optional<asio::ip::tcp::socket> holder;
    co_await with_server(local_params(), echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        holder.emplace(co_await connect_raw(srv.port()));
        keep = &*holder;
        std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        co_await asio::async_write(*keep, asio::buffer(req), asio::use_awaitable);
        char buf[512];
        co_await keep->async_read_some(asio::buffer(buf), asio::use_awaitable);
        EXPECT_TRUE(co_await eventually([&] { return srv.connection_count() == 1; }));
    });
    // with_server returned: run() finished although the client still holds its keep-alive connection.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    holder.reset();
}

ASYNC_TEST(http_server, cancelling_run_stops_the_server)
{
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    auto srv = http::server::create(ex, local_params(), echo_handler());
    EXPECT_TRUE(srv.has_value());
    if (!srv)
        co_return;
    // run() loses the race against a short timer and must return cleanly, cancelling its sessions.
    auto client = [&]() -> asio::awaitable<void> {
        auto s = co_await connect_raw((*srv)->port());
        co_await sleep_for(50ms);
    };
    co_await ((*srv)->run() || client());
    EXPECT_EQ((*srv)->connection_count(), 0u);
}

TEST(http_server, port_in_use_is_a_clear_error)
{
    asio::io_context ctx;
    auto first = http::server::create(ctx.get_executor(), local_params(), echo_handler());
    ASSERT_TRUE(first.has_value());
    auto p = local_params();
    p.listen = (*first)->local_address();
    auto second = http::server::create(ctx.get_executor(), p, echo_handler());
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, errc::io_error);
    EXPECT_NE(second.error().message.find(p.listen), std::string::npos) << second.error().message;
}

ASYNC_TEST(http_server, idle_keep_alive_connection_is_closed_after_idle_timeout)
{
    auto p = local_params();
    p.idle_timeout = 100ms;
    co_await with_server(p, echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto s = co_await connect_raw(srv.port());
        std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);
        auto start = std::chrono::steady_clock::now();
        auto out = co_await read_all(s);  // one response, then the server hangs up when idle
        EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
        EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    });
}

ASYNC_TEST(http_server, max_connections_holds_extra_clients_in_the_backlog)
{
    auto p = local_params();
    p.max_connections = 1;
    co_await with_server(p, echo_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto first = co_await connect_raw(srv.port());
        EXPECT_TRUE(co_await eventually([&] { return srv.connection_count() == 1; }));
        auto second = co_await connect_raw(srv.port());  // completes in the kernel backlog
        co_await sleep_for(30ms);
        EXPECT_EQ(srv.accepted_count(), 1u);
        first.close();
        EXPECT_TRUE(co_await eventually([&] { return srv.accepted_count() == 2; }));
    });
}
