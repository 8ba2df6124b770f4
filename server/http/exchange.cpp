// One HTTP exchange: request out (string or streamed source, Content-Length or chunked), response in
// (buffered up to a limit, or 2xx bodies streamed to the sink in 64 KiB pieces). Plain and TLS alike, through
// one either_stream.
#include "http/exchange.hpp"
#include "async/use_tuple.hpp"
#include "http/either_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

namespace vk::http::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::size_t max_error_body = 64 * 1024;  // non-2xx bodies when streaming: kept for diagnostics

error io_failure(const boost::system::error_code& ec, std::string_view during, attempt_state& st)
{
    if (ec == beast::error::timeout)
    {
        st.retryable = true;
        return make_error(errc::timeout, "no progress " + std::string(during));
    }
    if (ec == asio::error::operation_aborted)
        return make_error(errc::cancelled, "cancelled " + std::string(during));
    // A message Beast cannot parse will not parse better next time.
    st.retryable = ec.category() != make_error_code(bhttp::error::bad_version).category() ||
                   ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message;
    auto code = st.retryable ? errc::transport_error : errc::bad_response;
    return make_error(code, "connection failed " + std::string(during) + ": " + ec.message());
}

template <class Fields> void set_headers(bhttp::header<true, Fields>& h, const exchange_params& x)
{
    auto verb = bhttp::string_to_verb(x.method);
    if (verb == bhttp::verb::unknown)
        h.method_string(x.method);
    else
        h.method(verb);
    h.target(x.target);
    h.version(11);
    h.set(bhttp::field::host, x.host);
    for (const auto& [k, v] : x.default_headers)
        if (!x.headers.contains(k))
            h.insert(k, v);
    for (const auto& [k, v] : x.headers)
        h.insert(k, v);
}

asio::awaitable<result<void>> write_buffered(either_stream& s, const exchange_params& x, attempt_state& st)
{
    bhttp::request<bhttp::string_body> req;
    set_headers(req, x);
    req.body() = x.body;
    req.prepare_payload();
    s.lowest().expires_after(x.idle_timeout);
    auto [ec, n] = co_await bhttp::async_write(s, req, use_tuple);
    if (ec)
        co_return io_failure(ec, "sending the request", st);
    co_return result<void>{};
}

asio::awaitable<result<void>> write_streamed(either_stream& s, const exchange_params& x, attempt_state& st)
{
    bhttp::request<bhttp::buffer_body> req;
    set_headers(req, x);
    if (x.upload->length)
        req.content_length(*x.upload->length);
    else
        req.chunked(true);
    req.body().data = nullptr;
    req.body().more = true;
    bhttp::request_serializer<bhttp::buffer_body> sr{req};
    s.lowest().expires_after(x.idle_timeout);
    auto [hec, hn] = co_await bhttp::async_write_header(s, sr, use_tuple);
    if (hec)
        co_return io_failure(hec, "sending the request header", st);
    std::uint64_t sent = 0;
    for (;;)
    {
        auto piece = co_await x.upload->next();
        if (!piece)
            co_return piece.error();
        sent += piece->size();
        if (x.upload->length && sent > *x.upload->length)
            co_return make_error(errc::invalid_argument, "upload source longer than its declared length");
        bool last = piece->empty();
        if (last && x.upload->length && sent != *x.upload->length)
            co_return make_error(errc::invalid_argument, "upload source shorter than its declared length");
        req.body().data = last ? nullptr : const_cast<char*>(piece->data());
        req.body().size = piece->size();
        req.body().more = !last;
        s.lowest().expires_after(x.idle_timeout);
        auto [ec, n] = co_await bhttp::async_write(s, sr, use_tuple);
        if (ec && ec != bhttp::error::need_buffer)
            co_return io_failure(ec, "sending the request body", st);
        if (last)
            co_return result<void>{};
    }
}

// Reads the body in 64 KiB pieces into the sink (2xx with a sink) or into r.body (bounded).
asio::awaitable<result<void>> read_body(either_stream& s, connection& c,
                                        bhttp::response_parser<bhttp::buffer_body>& p, response& r,
                                        const exchange_params& x, attempt_state& st)
{
    bool to_sink = x.download && *x.download && r.status >= 200 && r.status < 300;
    std::size_t limit = (x.download && *x.download) ? max_error_body : x.max_body;
    // Not zero-filled: every byte handed on was first written by the parser (a 64 KiB memset per reply showed
    // up in client profiles).
    auto chunk = std::make_unique_for_overwrite<char[]>(chunk_size);
    while (!p.is_done())
    {
        p.get().body().data = chunk.get();
        p.get().body().size = chunk_size;
        s.lowest().expires_after(x.idle_timeout);
        auto [ec, n] = co_await bhttp::async_read(s, c.buffer, p, use_tuple);
        if (ec && ec != bhttp::error::need_buffer)
            co_return io_failure(ec, "reading the response body", st);
        std::size_t got = chunk_size - p.get().body().size;
        if (got == 0)
            continue;
        if (!to_sink)
        {
            if (r.body.size() + got > limit)
                co_return make_error(errc::too_large,
                                     "response body exceeds " + std::to_string(limit) + " bytes");
            r.body.append(chunk.get(), got);
            continue;
        }
        st.delivered = true;  // from here on, repeating the request would feed the sink twice
        if (auto sunk = co_await (*x.download)(std::string_view(chunk.get(), got)); !sunk)
            co_return sunk.error();
    }
    co_return result<void>{};
}

asio::awaitable<result<response>> read_response(either_stream& s, connection& c, const exchange_params& x,
                                                attempt_state& st)
{
    bhttp::response_parser<bhttp::buffer_body> p;
    p.header_limit(64 * 1024);
    p.body_limit(boost::none);  // limits are ours: the sink may take any size, buffered bodies max_body
    if (x.method == "HEAD")
        p.skip(true);
    s.lowest().expires_after(x.idle_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(s, c.buffer, p, use_tuple);
    if (ec)
        co_return io_failure(ec, "reading the response header", st);
    response r;
    r.status = p.get().result_int();
    for (const auto& f : p.get())
        r.headers.add(f.name_string(), f.value());
    if (auto b = co_await read_body(s, c, p, r, x, st); !b)
        co_return b.error();
    s.lowest().expires_never();
    st.keep_alive = p.get().keep_alive();
    co_return r;
}

asio::awaitable<result<response>> exchange_on(either_stream& s, connection& c, const exchange_params& x,
                                              attempt_state& st)
{
    // if/else, not ?: : GCC 12 miscompiles co_await inside a conditional expression.
    if (x.upload)
    {
        if (auto w = co_await write_streamed(s, x, st); !w)
            co_return w.error();
    }
    else if (auto w = co_await write_buffered(s, x, st); !w)
        co_return w.error();
    // Once the request is out, a failure may have had effects; retrying stays the caller's decision
    // (idempotent requests only), so the flag set by io_failure below is still right.
    co_return co_await read_response(s, c, x, st);
}

}  // namespace

asio::awaitable<result<response>> exchange(connection& c, const exchange_params& x, attempt_state& st)
{
    // Dispatch by stream type with plain calls: a coroutine lambda in std::visit would dangle.
    if (auto* plain = std::get_if<beast::tcp_stream>(&c.stream))
    {
        either_stream s(*plain);
        co_return co_await exchange_on(s, c, x, st);
    }
    either_stream s(std::get<tls_stream>(c.stream));
    co_return co_await exchange_on(s, c, x, st);
}

}  // namespace vk::http::detail
