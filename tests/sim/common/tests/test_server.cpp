// End-to-end tests of simc::server over loopback: routing to the handler, query decoding, injected
// failures and drops via /_sim/, streamed bodies and listener stop/restart.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <future>
#include <thread>

#include "common/server.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

struct reply
{
    unsigned status = 0;
    std::string body;
    std::string retry_after;
};

// One blocking HTTP exchange on a fresh connection; status 0 when the server closed without answering.
reply exchange(unsigned short port, http::verb verb, const std::string& target, std::string body = {})
{
    asio::io_context io;
    asio::ip::tcp::socket sock(io);
    boost::system::error_code ec;
    sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec)
        return {};
    http::request<http::string_body> req{verb, target, 11};
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(sock, req, ec);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res, ec);
    if (ec)
        return {};
    return {res.result_int(), res.body(), std::string(res[http::field::retry_after])};
}

class sim_common_server : public ::testing::Test
{
protected:
    void SetUp() override
    {
        id = srv.add_listener(
            {"127.0.0.1", 0, std::nullopt, [](simc::request& req) -> asio::awaitable<simc::response> {
                 if (req.path == "/stream")
                 {
                     auto left = std::make_shared<int>(3);
                     simc::response res;
                     res.stream = [left]() -> std::optional<std::string> {
                         if ((*left)-- == 0)
                             return std::nullopt;
                         return std::string(1000, 'x');
                     };
                     co_return res;
                 }
                 auto* q = req.param("q");
                 co_return simc::text_response(200, req.method + " " + req.path + " " + (q ? *q : "-") + " " +
                                                        req.body);
             }});
        ASSERT_FALSE(srv.start(id));
        port = srv.port(id);
        runner = std::thread([this] { io.run(); });
    }

    void TearDown() override
    {
        asio::post(io, [this] {
            srv.stop_all();
            io.stop();
        });
        runner.join();
    }

    asio::io_context io{1};
    // Keeps run() going while no listener is running (between stop and restart).
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    simc::server srv{io};
    std::size_t id = 0;
    unsigned short port = 0;
    std::thread runner;
};

}  // namespace

TEST_F(sim_common_server, routes_to_handler_with_decoded_path_and_query)
{
    auto r = exchange(port, http::verb::put, "/v1/kv/a%20b?q=x+y&flag", "body");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "PUT /v1/kv/a b x y body");
}

TEST_F(sim_common_server, injected_failure_then_recovery_and_counters)
{
    auto set = exchange(port, http::verb::post, "/_sim/fail",
                        R"({"method":"GET","path":"/v1/kv","status":503,"count":1,"retry_after":"2"})");
    EXPECT_EQ(set.status, 200u);
    auto failed = exchange(port, http::verb::get, "/v1/kv/a");
    EXPECT_EQ(failed.status, 503u);
    EXPECT_EQ(failed.retry_after, "2");
    EXPECT_EQ(exchange(port, http::verb::get, "/v1/kv/a").status, 200u);
    auto counters = exchange(port, http::verb::get, "/_sim/counters");
    EXPECT_EQ(counters.body, R"({"GET /v1/kv":2})");
}

TEST_F(sim_common_server, dropped_request_gets_no_answer)
{
    EXPECT_EQ(exchange(port, http::verb::post, "/_sim/drop", R"({"count":1})").status, 200u);
    EXPECT_EQ(exchange(port, http::verb::get, "/x").status, 0u);
    EXPECT_EQ(exchange(port, http::verb::get, "/x").status, 200u);
}

TEST_F(sim_common_server, streamed_body_arrives_whole)
{
    auto r = exchange(port, http::verb::get, "/stream");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, std::string(3000, 'x'));
}

TEST_F(sim_common_server, stopped_listener_refuses_and_restarts)
{
    std::promise<void> stopped;
    asio::post(io, [&] {
        srv.stop(id);
        stopped.set_value();
    });
    stopped.get_future().wait();
    EXPECT_EQ(exchange(port, http::verb::get, "/x").status, 0u);
    std::promise<boost::system::error_code> restarted;
    asio::post(io, [&] { restarted.set_value(srv.start(id)); });
    EXPECT_FALSE(restarted.get_future().get());
    EXPECT_EQ(exchange(port, http::verb::get, "/x").status, 200u);
}

TEST_F(sim_common_server, large_request_body_arrives_whole)
{
    auto r = exchange(port, http::verb::put, "/big", std::string(5 * 1024 * 1024, 'b'));
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body.size(), std::string("PUT /big - ").size() + 5 * 1024 * 1024);
}

TEST_F(sim_common_server, latency_delays_requests_but_not_control_routes)
{
    EXPECT_EQ(exchange(port, http::verb::post, "/_sim/latency", R"({"ms":150})").status, 200u);
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(exchange(port, http::verb::get, "/x").status, 200u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
    start = std::chrono::steady_clock::now();
    EXPECT_EQ(exchange(port, http::verb::get, "/_sim/latency").body, R"({"ms":150})");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}
