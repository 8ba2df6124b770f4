// Streaming bodies through vk::http::client: large downloads into a sink in pieces, uploads from a source
// with Content-Length or chunked encoding, and errors raised by the sink or source.
#include "http/client.hpp"
#include "http/helpers.hpp"

using namespace vk;
using namespace vk::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr std::size_t mib = 1024 * 1024;

char pattern(std::size_t i)
{
    return char('a' + i % 26);
}

std::unique_ptr<http::client> client_for(asio::any_io_executor ex, std::uint16_t port)
{
    http::client_params p;
    p.base_url = "http://127.0.0.1:" + std::to_string(port);
    p.max_response_body = 1 * mib;  // far below the streamed size: the sink path must not buffer
    return std::move(*http::client::create(ex, p));
}

// A source yielding `total` pattern bytes in 64 KiB pieces from one reused buffer; rewindable.
struct pattern_source
{
    std::size_t total;
    std::size_t pos = 0;
    std::string piece;
    int rewinds = 0;

    http::body_source make(bool with_length)
    {
        http::body_source s;
        if (with_length)
            s.length = total;
        s.next = [this]() -> asio::awaitable<result<std::string_view>> {
            std::size_t n = std::min<std::size_t>(64 * 1024, total - pos);
            piece.resize(n);
            for (std::size_t i = 0; i < n; ++i)
                piece[i] = pattern(pos + i);
            pos += n;
            co_return std::string_view(piece);
        };
        s.rewind = [this] {
            ++rewinds;
            pos = 0;
            return true;
        };
        return s;
    }
};

// Answers with the body length and whether every byte matched the pattern.
http::handler checking_handler()
{
    return [](http::request& r) -> asio::awaitable<http::response> {
        bool ok = true;
        for (std::size_t i = 0; i < r.body.size() && ok; ++i)
            ok = r.body[i] == pattern(i);
        auto res = http::response::text(200, std::to_string(r.body.size()) + (ok ? " ok" : " corrupt"));
        res.headers.set("X-Transfer-Encoding-Seen", r.headers.get("Transfer-Encoding").value_or("none"));
        co_return res;
    };
}

}  // namespace

ASYNC_TEST(http_streaming, download_64_mib_arrives_in_pieces)
{
    const std::size_t size = 64 * mib;
    // Reference bytes: pattern(i) for i in [0, 64 KiB + 26), so any piece compares with one memcmp.
    std::string reference(64 * 1024 + 26, '\0');
    for (std::size_t i = 0; i < reference.size(); ++i)
        reference[i] = pattern(i);
    auto h = [&](http::request&) -> asio::awaitable<http::response> {
        std::string body;
        body.reserve(size);
        while (body.size() < size)
            body.append(reference, 0,
                        std::min<std::size_t>(64 * 1024, size - body.size()));  // 65536 % 26 != 0
        co_return http::response::text(200, std::move(body));
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = client_for(ex, srv.port());
        std::size_t received = 0, pieces = 0, largest = 0;
        bool intact = true;
        http::client_request req;
        req.target = "/snapshot";
        req.download = [&](std::string_view chunk) -> asio::awaitable<result<void>> {
            std::size_t at = received % (64 * 1024);  // the server repeats 64 KiB blocks
            std::size_t first = std::min(chunk.size(), 64 * 1024 - at);
            intact = intact && chunk.compare(0, first, std::string_view(reference).substr(at, first)) == 0 &&
                     chunk.compare(first, chunk.size() - first,
                                   std::string_view(reference).substr(0, chunk.size() - first)) == 0;
            received += chunk.size();
            largest = std::max(largest, chunk.size());
            ++pieces;
            co_return result<void>{};
        };
        auto r = co_await c->send(req);
        EXPECT_TRUE(r && r->status == 200) << (r ? "" : r.error().describe());
        if (r)
        {
            EXPECT_TRUE(r->body.empty());
        }
        EXPECT_EQ(received, size);
        EXPECT_TRUE(intact);
        EXPECT_LE(largest, 64u * 1024u) << "the sink must see bounded pieces, never the whole body";
        EXPECT_GE(pieces, size / (64 * 1024));
    });
}

ASYNC_TEST(http_streaming, sink_error_stops_the_transfer)
{
    auto h = [](http::request&) -> asio::awaitable<http::response> {
        co_return http::response::text(200, std::string(2 * mib, 'x'));
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = client_for(ex, srv.port());
        int calls = 0;
        http::client_request req;
        req.download = [&](std::string_view) -> asio::awaitable<result<void>> {
            ++calls;
            co_return make_error(errc::io_error, "disk full");
        };
        auto r = co_await c->send(req);
        EXPECT_FALSE(r.has_value());
        if (!r)
        {
            EXPECT_EQ(r.error().code, errc::io_error);
        }
        EXPECT_EQ(calls, 1) << "no retry once bytes reached the sink";
        EXPECT_EQ(c->idle_connections(), 0u);
    });
}

ASYNC_TEST(http_streaming, error_status_bodies_are_buffered_not_streamed)
{
    auto h = [](http::request&) -> asio::awaitable<http::response> {
        co_return http::response::error(404, "not_found", "no such snapshot");
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = client_for(ex, srv.port());
        bool sunk = false;
        http::client_request req;
        req.download = [&](std::string_view) -> asio::awaitable<result<void>> {
            sunk = true;
            co_return result<void>{};
        };
        auto r = co_await c->send(req);
        EXPECT_TRUE(r && r->status == 404);
        if (r)
        {
            EXPECT_NE(r->body.find("no such snapshot"), std::string::npos);
        }
        EXPECT_FALSE(sunk);
    });
}

ASYNC_TEST(http_streaming, upload_chunked_and_with_length)
{
    auto p = local_params();
    p.body_limit = 8 * mib;
    co_await with_server(p, checking_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = client_for(ex, srv.port());
        for (bool with_length : {false, true})
        {
            pattern_source src{4 * mib + 123, 0, {}, 0};
            http::client_request req;
            req.method = "PUT";
            req.target = "/upload";
            req.upload = src.make(with_length);
            auto r = co_await c->send(req);
            EXPECT_TRUE(r && r->status == 200);
            if (r)
            {
                EXPECT_EQ(r->body, std::to_string(4 * mib + 123) + " ok");
                EXPECT_EQ(r->headers.get("X-Transfer-Encoding-Seen").value_or(""),
                          with_length ? "none" : "chunked");
            }
            EXPECT_EQ(src.rewinds, 0);
        }
        EXPECT_EQ(c->connections_opened(), 1u) << "streamed uploads keep the connection alive";
    });
}

ASYNC_TEST(http_streaming, upload_is_rewound_for_a_retry)
{
    int calls = 0;
    auto checker = checking_handler();
    auto h = [&](http::request& r) -> asio::awaitable<http::response> {
        if (++calls == 1)
            co_return http::response::text(503, "busy");
        co_return co_await checker(r);
    };
    co_await with_server(local_params(), h, [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = client_for(ex, srv.port());
        pattern_source src{300000, 0, {}, 0};
        http::client_request req;
        req.method = "PUT";
        req.upload = src.make(true);
        auto r = co_await c->send(req);
        EXPECT_TRUE(r && r->status == 200 && r->body == "300000 ok");
        EXPECT_EQ(src.rewinds, 1);
        EXPECT_EQ(calls, 2);
    });
}

ASYNC_TEST(http_streaming, upload_shorter_than_declared_is_rejected)
{
    co_await with_server(local_params(), checking_handler(), [&](http::server& srv) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto c = client_for(ex, srv.port());
        pattern_source src{1000, 0, {}, 0};
        http::client_request req;
        req.method = "POST";
        req.upload = src.make(true);
        req.upload->length = 5000;
        auto r = co_await c->send(req);
        EXPECT_FALSE(r.has_value());
        if (!r)
        {
            EXPECT_EQ(r.error().code, errc::invalid_argument);
        }
    });
}
