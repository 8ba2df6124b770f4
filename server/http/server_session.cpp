// One server connection: read a request under the limits and timeouts, call the handler, answer, repeat
// while keep-alive holds. Plain and TLS streams share one either_stream.
#include "async/use_tuple.hpp"
#include "http/certificate_names.hpp"
#include "http/either_stream.hpp"
#include "http/request_parse.hpp"
#include "http/server_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

namespace vk::http::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bhttp::response<bhttp::string_body> to_beast(response&& r, unsigned version, bool keep_alive)
{
    bhttp::response<bhttp::string_body> m{static_cast<bhttp::status>(r.status), version};
    for (const auto& [k, v] : r.headers)
        m.insert(k, v);
    m.body() = std::move(r.body);
    m.keep_alive(keep_alive);
    m.prepare_payload();
    return m;
}

// A HEAD answer carries the GET answer's headers, Content-Length included, and no body (RFC 9110 9.3.2).
void strip_body_for_head(bhttp::response<bhttp::string_body>& m)
{
    auto length = m.body().size();
    m.body().clear();
    m.content_length(length);
}

// Calls the handler; a throwing handler becomes a logged 500 unless the session is being cancelled.
asio::awaitable<std::optional<response>> call_handler(server::impl& s, request& req)
{
    try
    {
        co_return co_await s.on_request(req);
    }
    catch (const std::exception& e)
    {
        if (s.stopping)
            co_return std::nullopt;
        spdlog::error("http server: handler for {} {} failed: {}", req.method, req.path, e.what());
    }
    co_return response::error(500, "internal", "internal error while handling the request");
}

// Waits for the first bytes of the next request, bounded by the keep-alive idle timeout.
asio::awaitable<bool> await_next_request(either_stream& stream, beast::flat_buffer& buf,
                                         std::chrono::milliseconds idle)
{
    if (buf.size() > 0)
        co_return true;  // pipelined bytes already here
    stream.lowest().expires_after(idle);
    auto [ec, n] = co_await stream.async_read_some(buf.prepare(4096), use_tuple);
    buf.commit(n);
    co_return !ec;
}

asio::awaitable<void> write_response(either_stream& stream, server::impl& s, response r, unsigned version,
                                     bool keep, bool head = false)
{
    auto msg = to_beast(std::move(r), version, keep);
    if (head)
        strip_body_for_head(msg);
    bhttp::response_serializer<bhttp::string_body> sr{msg};
    // read_timeout bounds each step, not the whole write: a big body to a reader that keeps up
    // may take longer, a reader that stops is still cut off.
    while (!sr.is_done())
    {
        stream.lowest().expires_after(s.params.read_timeout);
        auto [ec, n] = co_await bhttp::async_write_some(stream, sr, use_tuple);
        if (ec)
            co_return;
    }
}

// The keep-alive loop. Returns when the connection should close.
asio::awaitable<void> serve(server::impl& s, either_stream& stream, const std::string& remote,
                            const std::shared_ptr<const peer_certificate>& client_cert = nullptr)
{
    beast::flat_buffer buf;
    for (;;)
    {
        if (!co_await await_next_request(stream, buf, s.params.idle_timeout))
            co_return;
        // One deadline for the whole request, head and body: a trickling client cannot hold us.
        stream.lowest().expires_after(s.params.read_timeout);
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(s.params.header_limit));
        parser.body_limit(s.params.body_limit);
        auto [ec, n] = co_await bhttp::async_read(stream, buf, parser, use_tuple);
        if (ec)
        {
            if (auto answer = answer_for_read_error(ec, s.params.header_limit, s.params.body_limit))
                co_await write_response(stream, s, std::move(*answer), 11, false);
            co_return;
        }
        stream.lowest().expires_never();  // the handler has no read deadline
        auto m = parser.release();
        unsigned version = m.version();
        bool keep = m.keep_alive();
        auto req = to_request(std::move(m), remote);
        if (req)
            req->client_cert = client_cert;
        if (!req)
        {
            co_await write_response(stream, s, response::error(400, "bad_request", "bad request target"),
                                    version, false);
            co_return;
        }
        auto res = co_await call_handler(s, *req);
        if (!res)
            co_return;
        keep = keep && !s.stopping;
        bool head = req->method == "HEAD";
        co_await write_response(stream, s, std::move(*res), version, keep, head);
        if (!keep)
            co_return;
    }
}

asio::awaitable<void> run_plain(server::impl& s, tcp::socket socket, std::string remote)
{
    beast::tcp_stream stream(std::move(socket));
    either_stream either(stream);
    co_await serve(s, either, remote);
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> run_tls(server::impl& s, tcp::socket socket, std::string remote)
{
    auto ctx = s.tls;  // held: reload_tls() may replace s.tls while this session runs
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ctx);
    beast::get_lowest_layer(stream).expires_after(s.params.read_timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (ec)
        co_return;  // scanners, wrong CA on the client side...: nothing to answer
    either_stream either(stream);
    co_await serve(s, either, remote, verified_peer_certificate(stream.native_handle()));
    if (s.stopping)
        co_return;  // no polite close_notify while shutting down
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(use_tuple);
}

}  // namespace

std::optional<response> answer_for_read_error(const boost::system::error_code& ec, std::size_t header_limit,
                                              std::size_t body_limit)
{
    if (ec == bhttp::error::header_limit)
        return response::error(431, "too_large",
                               "request header exceeds " + std::to_string(header_limit) + " bytes");
    if (ec == bhttp::error::body_limit)
        return response::error(413, "too_large",
                               "request body exceeds " + std::to_string(body_limit) + " bytes");
    // Any other parser error means a malformed request; transport errors (peer gone, timeout,
    // cancellation) leave nobody to answer.
    if (ec.category() == make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        return response::error(400, "bad_request", "malformed request: " + ec.message());
    return std::nullopt;
}

asio::awaitable<void> run_session(server::impl& s, tcp::socket socket)
{
    boost::system::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string() : peer.address().to_string() + ":" + std::to_string(peer.port());
    try
    {
        if (s.tls)
            co_await run_tls(s, std::move(socket), std::move(remote));
        else
            co_await run_plain(s, std::move(socket), std::move(remote));
    }
    catch (const boost::system::system_error& e)
    {
        // Thrown by a co_await after this session was cancelled (stop): the normal way out.
        if (e.code() != asio::error::operation_aborted)
            throw;
    }
}

}  // namespace vk::http::detail
