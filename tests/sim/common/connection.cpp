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

// Where a streamed body stands between two reads of the handler (outside the anonymous namespace: coroutine
// frames holding it would otherwise draw GCC's -Wsubobject-linkage).
struct body_progress
{
    std::string buffer = std::string(64 * 1024, '\0');
    bool aborted = false;
};

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

// Answers "100 Continue" when the client waits for it before sending the body (curl does above 1 KiB).
template <class Stream>
asio::awaitable<boost::system::error_code> continue_if_asked(Stream& stream, const http::fields& headers)
{
    if (!beast::iequals(headers[http::field::expect], "100-continue"))
        co_return boost::system::error_code{};
    static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(cont.data(), cont.size()), use_tuple);
    co_return ec;
}

// The request as handlers see it, from a parsed header; false when the target is not origin-form.
bool make_request(const http::request_header<>& head, std::size_t listener, std::uint64_t connection,
                  request& req)
{
    req.method = std::string(head.method_string());
    req.target = std::string(head.target());
    req.listener = listener;
    req.connection = connection;
    req.headers = static_cast<const http::fields&>(head);
    return decode_target(req);
}

// Reads the next piece of a streamed body into progress.buffer; Beast's buffer_body answers need_buffer
// when that buffer is full, which only means "call again".
template <class Stream>
asio::awaitable<body_chunk> read_body_chunk(Stream& stream, beast::flat_buffer& buffer,
                                            http::request_parser<http::buffer_body>& parser,
                                            body_progress& progress)
{
    if (progress.aborted || parser.is_done())
        co_return body_chunk{{}, parser.is_done(), progress.aborted};
    auto& body = parser.get().body();
    body.data = progress.buffer.data();
    body.size = progress.buffer.size();
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec && ec != http::error::need_buffer)
    {
        progress.aborted = true;
        co_return body_chunk{{}, false, true};
    }
    const auto got = progress.buffer.size() - body.size;
    co_return body_chunk{std::string_view(progress.buffer.data(), got), parser.is_done(), false};
}

// Hands the handler a body it reads itself; returns the response and whether the body was read to its end
// (otherwise the connection cannot carry another request).
template <class Stream>
asio::awaitable<std::pair<response, bool>> dispatch_streamed(Stream& stream, beast::flat_buffer& buffer,
                                                             http::request_parser<http::string_body>& header,
                                                             server& srv, request& req)
{
    // Same header, no body type: the buffer_body parser reads into whatever buffer each call offers.
    http::request_parser<http::buffer_body> parser{std::move(header)};
    parser.body_limit(boost::none);
    body_progress progress;
    req.body_stream = [&stream, &buffer, &parser, &progress]() {
        return read_body_chunk(stream, buffer, parser, progress);
    };
    auto res = co_await srv.dispatch(req);
    req.body_stream = nullptr;
    co_return std::pair<response, bool>{std::move(res), parser.is_done()};
}

}  // namespace

template <class Stream>
asio::awaitable<void> serve_http(Stream& stream, server& srv, std::size_t listener, std::uint64_t connection,
                                 std::uint64_t body_limit, std::function<bool(const request&)> streams)
{
    beast::flat_buffer buffer;
    // Beast reads at most the buffer's free capacity (at least 512 bytes): without room a 300 KiB body took
    // hundreds of small recv calls.
    buffer.reserve(64 * 1024);
    for (;;)
    {
        http::request_parser<http::string_body> parser;
        // No limit while reading the header (Beast would refuse a large Content-Length there, before a
        // streamed route could take it); whole bodies get theirs below.
        parser.body_limit(boost::none);
        parser.header_limit(64 * 1024);
        auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        if (hec)
            co_return;
        request req;
        const bool target_ok = make_request(parser.get(), listener, connection, req);
        if (!parser.is_done())
            if (auto cec = co_await continue_if_asked(stream, parser.get()); cec)
                co_return;
        bool keep_alive = parser.get().keep_alive();
        const bool head = parser.get().method() == http::verb::head;
        response res;
        if (target_ok && streams && streams(req))
        {
            auto [streamed_res, body_done] = co_await dispatch_streamed(stream, buffer, parser, srv, req);
            res = std::move(streamed_res);
            keep_alive = keep_alive && body_done;
        }
        else
        {
            parser.body_limit(body_limit);
            const auto announced = parser.content_length();
            boost::system::error_code bec;
            if (announced && *announced > body_limit)
                bec = http::error::body_limit;
            else
            {
                auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
                bec = rec;
            }
            if (bec == http::error::body_limit)
            {
                response too_large = text_response(413, "request body too large");
                co_await write_response(stream, too_large, false, false);
                co_return;
            }
            if (bec)
                co_return;
            req.body = std::move(parser.get().body());
            if (target_ok)
                res = co_await srv.dispatch(req);
            else
                res = text_response(400, "invalid request target");
        }
        // Status 0: drop the connection without answering (fault injection).
        if (res.status == 0)
            co_return;
        keep_alive = keep_alive && !res.close;
        if (!co_await write_response(stream, res, head, keep_alive) || !keep_alive)
            co_return;
    }
}

using stream_predicate = std::function<bool(const request&)>;
template asio::awaitable<void> serve_http<tcp::socket>(tcp::socket&, server&, std::size_t, std::uint64_t,
                                                       std::uint64_t, stream_predicate);
template asio::awaitable<void> serve_http<asio::ssl::stream<tcp::socket>>(asio::ssl::stream<tcp::socket>&,
                                                                          server&, std::size_t, std::uint64_t,
                                                                          std::uint64_t, stream_predicate);

}  // namespace simc::detail
