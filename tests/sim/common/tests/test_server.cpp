// End-to-end tests of simc::server over loopback: routing to the handler, query decoding, injected
// failures and drops via /_sim/, streamed bodies (both ways) and listener stop/restart.
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
reply exchange(unsigned short port, http::verb verb, const std::string& target, std::string body = {},
               bool chunked = false)
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
    if (chunked)
        req.chunked(true);
    http::write(sock, req, ec);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res, ec);
    if (ec)
        return {};
    return {res.result_int(), res.body(), std::string(res[http::field::retry_after])};
}

// What a streamed upload handler saw: bytes, pieces, the largest piece, and how the body ended.
struct upload_outcome
{
    std::size_t bytes = 0;
    std::size_t chunks = 0;
    std::size_t largest = 0;
    bool complete = false;
    bool aborted = false;

    std::string text() const
    {
        return std::to_string(bytes) + " bytes in " + std::to_string(chunks) + (complete ? " complete" : "") +
               (aborted ? " aborted" : "");
    }
};

// Reads a streamed body to its end, as a route registered with streams_body does.
asio::awaitable<upload_outcome> drain_upload(simc::request& req)
{
    upload_outcome out;
    while (!out.complete && !out.aborted)
    {
        auto chunk = co_await req.body_stream();
        out.bytes += chunk.data.size();
        out.chunks += chunk.data.empty() ? 0 : 1;
        out.largest = std::max(out.largest, chunk.data.size());
        out.complete = chunk.complete;
        out.aborted = chunk.aborted;
    }
    co_return out;
}

class sim_common_server : public ::testing::Test
{
protected:
    void SetUp() override
    {
        id = srv.add_listener({"127.0.0.1", 0, std::nullopt,
                               [this](simc::request& req) -> asio::awaitable<simc::response> {
                                   if (req.path == "/upload")
                                   {
                                       auto out = co_await drain_upload(req);
                                       if (out.aborted)
                                           aborted_upload.set_value(out);
                                       co_return simc::text_response(200,
                                                                     out.text() + " body[" + req.body + "]");
                                   }
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
                                   co_return simc::text_response(200, req.method + " " + req.path + " " +
                                                                          (q ? *q : "-") + " " + req.body);
                               },
                               [](const simc::request& req) { return req.path == "/upload"; }});
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
    std::promise<upload_outcome> aborted_upload;
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

TEST_F(sim_common_server, streamed_route_reads_a_content_length_body_in_bounded_pieces)
{
    auto r = exchange(port, http::verb::post, "/upload", std::string(1 << 20, 'u'));
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(r.body.starts_with("1048576 bytes in ")) << r.body;
    EXPECT_TRUE(r.body.ends_with(" complete body[]")) << r.body;
    EXPECT_NE(r.body, "1048576 bytes in 1 complete body[]");  // pieces, not the whole body
}

TEST_F(sim_common_server, streamed_route_reads_a_chunked_body)
{
    auto r = exchange(port, http::verb::post, "/upload", std::string(300000, 'c'), true);
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(r.body.starts_with("300000 bytes in ")) << r.body;
    EXPECT_TRUE(r.body.ends_with(" complete body[]")) << r.body;
}

TEST_F(sim_common_server, streamed_route_with_empty_body_completes)
{
    EXPECT_EQ(exchange(port, http::verb::post, "/upload").body, "0 bytes in 0 complete body[]");
}

TEST_F(sim_common_server, streamed_route_sees_a_body_cut_short_as_aborted)
{
    asio::io_context client;
    asio::ip::tcp::socket sock(client);
    sock.connect({asio::ip::make_address("127.0.0.1"), port});
    const std::string head = "POST /upload HTTP/1.1\r\nHost: sim\r\nContent-Length: 100000\r\n\r\n";
    asio::write(sock, asio::buffer(head + std::string(1000, 'a')));
    sock.close();
    auto outcome = aborted_upload.get_future();
    ASSERT_EQ(outcome.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    const auto seen = outcome.get();
    EXPECT_TRUE(seen.aborted);
    EXPECT_FALSE(seen.complete);
    EXPECT_LE(seen.bytes, 1000u);
}

TEST_F(sim_common_server, other_routes_still_get_the_whole_body)
{
    EXPECT_EQ(exchange(port, http::verb::post, "/other", std::string(200000, 'w'), true).body,
              "POST /other - " + std::string(200000, 'w'));
}
