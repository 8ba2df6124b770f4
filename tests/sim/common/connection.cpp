// One HTTP/1.1 connection: read a request, dispatch it, write the response (buffered or streamed), repeat.
#include "common/server_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <ctime>

namespace simc::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// RFC 7231 date, recomputed at most once per second (Go's net/http sends it on every response).
const std::string& http_date()
{
    static std::time_t cached_at = 0;
    static std::string cached;
    std::time_t now = std::time(nullptr);
    if (now != cached_at)
    {
        char buf[64];
        std::tm tm{};
        gmtime_r(&now, &tm);
        std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached.assign(buf);
        cached_at = now;
    }
    return cached;
}

// Fills path and query from the raw target; false when the target is not origin-form.
bool decode_target(request& req)
{
    auto parsed = boost::urls::parse_origin_form(req.target);
    if (!parsed)
        return false;
    req.path = parsed->encoded_path().decode();
    for (auto param : parsed->params())
        req.query.emplace(param.key, param.value);
    return true;
}

template <class Message> void copy_headers(Message& msg, const response& res, bool keep_alive)
{
    for (auto& [name, value] : res.headers)
        msg.insert(name, value);
    if (msg.find(http::field::date) == msg.end())  // a simulator may answer on its own clock (cloud-sim)
        msg.set(http::field::date, http_date());
    msg.keep_alive(keep_alive);
}

// Writes a response whose body is produced chunk by chunk (multi-MB raft snapshots).
template <class Stream> asio::awaitable<bool> write_streamed(Stream& stream, response& res, bool keep_alive)
{
    http::response<http::buffer_body> msg{static_cast<http::status>(res.status), 11};
    copy_headers(msg, res, keep_alive);
    if (res.stream_length)
        msg.content_length(*res.stream_length);
    else
        msg.chunked(true);
    msg.body().data = nullptr;
    msg.body().more = true;
    http::response_serializer<http::buffer_body> sr{msg};
    auto [ec, n] = co_await http::async_write_header(stream, sr, use_tuple);
    if (ec)
        co_return false;
    while (auto chunk = res.stream())
    {
        msg.body().data = chunk->data();
        msg.body().size = chunk->size();
        msg.body().more = true;
        auto [wec, wn] = co_await http::async_write(stream, sr, use_tuple);
        if (wec && wec != http::error::need_buffer)
            co_return false;
    }
    msg.body().data = nullptr;
    msg.body().more = false;
    auto [fec, fn] = co_await http::async_write(stream, sr, use_tuple);
    co_return !fec;
}

template <class Stream>
asio::awaitable<bool> write_response(Stream& stream, response& res, bool head, bool keep_alive)
{
    if (res.stream)
        co_return co_await write_streamed(stream, res, keep_alive);
    http::response<http::string_body> msg{static_cast<http::status>(res.status), 11};
    copy_headers(msg, res, keep_alive);
    msg.body() = std::move(res.body);
    msg.prepare_payload();
    // HEAD: announce the length the body would have, send none.
    if (head && !msg.body().empty())
    {
        auto length = msg.body().size();
        msg.body().clear();
        msg.content_length(length);
    }
    auto [ec, n] = co_await http::async_write(stream, msg, use_tuple);
    co_return !ec;
}

// Reads one request, answering "100 Continue" when the client waits for it (curl does above 1 KiB).
template <class Stream>
asio::awaitable<boost::system::error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
                                                        http::request_parser<http::string_body>& parser)
{
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (ec)
        co_return ec;
    if (!parser.is_done())
    {
        auto expect = parser.get()[http::field::expect];
        if (beast::iequals(expect, "100-continue"))
        {
            static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
            auto [wec, wn] =
                co_await asio::async_write(stream, asio::buffer(cont.data(), cont.size()), use_tuple);
            if (wec)
                co_return wec;
        }
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
        co_return bec;
    }
    co_return ec;
}

}  // namespace

template <class Stream>
asio::awaitable<void> serve_http(Stream& stream, server& srv, std::size_t listener, std::uint64_t connection,
                                 std::uint64_t body_limit)
{
    beast::flat_buffer buffer;
    // Beast reads at most the buffer's free capacity (at least 512 bytes): without room a 300 KiB body took
    // hundreds of small recv calls.
    buffer.reserve(64 * 1024);
    for (;;)
    {
        http::request_parser<http::string_body> parser;
        parser.body_limit(body_limit);
        parser.header_limit(64 * 1024);
        auto ec = co_await read_request(stream, buffer, parser);
        if (ec == http::error::body_limit)
        {
            response too_large = text_response(413, "request body too large");
            co_await write_response(stream, too_large, false, false);
            co_return;
        }
        if (ec)
            co_return;
        auto msg = parser.release();
        request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        req.listener = listener;
        req.connection = connection;
        bool keep_alive = msg.keep_alive();
        bool head = msg.method() == http::verb::head;
        response res;
        if (!decode_target(req))
        {
            res = text_response(400, "invalid request target");
        }
        else
        {
            req.body = std::move(msg.body());
            req.headers = std::move(static_cast<http::fields&>(msg));
            res = co_await srv.dispatch(req);
        }
        // Status 0: drop the connection without answering (fault injection).
        if (res.status == 0)
            co_return;
        keep_alive = keep_alive && !res.close;
        if (!co_await write_response(stream, res, head, keep_alive) || !keep_alive)
            co_return;
    }
}

template asio::awaitable<void> serve_http<tcp::socket>(tcp::socket&, server&, std::size_t, std::uint64_t,
                                                       std::uint64_t);
template asio::awaitable<void> serve_http<asio::ssl::stream<tcp::socket>>(asio::ssl::stream<tcp::socket>&,
                                                                          server&, std::size_t, std::uint64_t,
                                                                          std::uint64_t);

}  // namespace simc::detail
