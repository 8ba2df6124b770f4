// The daemon's HTTP/1.1 client (Vault, Consul, webhooks, object stores): pooled keep-alive connections per
// endpoint, TLS, deadlines and cancellation, retries with backoff, 307/308 redirects, streaming bodies.
#ifndef VAULTKEEPER_SERVER_HTTP_CLIENT_HPP
#define VAULTKEEPER_SERVER_HTTP_CLIENT_HPP

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/model/retry.hpp"
#include "http/model/url.hpp"
#include "http/tls_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::http {

// Receives a 2xx response body piece by piece (at most 64 KiB each). An error stops the transfer and is
// returned by send() as is. The view is valid only during the call.
using body_sink = std::function<boost::asio::awaitable<result<void>>(std::string_view chunk)>;

// Produces a request body piece by piece, so large uploads never sit in memory.
struct body_source
{
    // Content-Length when known; chunked transfer encoding otherwise.
    std::optional<std::uint64_t> length;
    // The next piece; an empty view ends the body. The view must stay valid until the next call.
    std::function<boost::asio::awaitable<result<std::string_view>>()> next;
    // Restarts the body for a retry or a redirect; returns false if it cannot. Without it the request is
    // sent once: no retry, no redirect.
    std::function<bool()> rewind;
};

struct client_request
{
    std::string method = "GET";  // any token, e.g. "LIST"
    std::string target = "/";    // "/v1/sys/health?x=y" relative to the client's base URL, or an absolute URL
    header_map headers;          // added after the client's default headers, replacing same-named ones
    std::string body;            // ignored when `upload` is set
    std::optional<body_source> upload;
    body_sink download;              // if set, a 2xx body goes there and response::body stays empty
    std::optional<bool> idempotent;  // default: by method (retry.hpp)
    std::optional<std::chrono::milliseconds> timeout;       // total incl. retries; 0 = none (idle only)
    std::optional<std::chrono::milliseconds> idle_timeout;  // max silence on the socket
    bool follow_redirects = true;
};

struct client_params
{
    std::string base_url;             // "https://vault:8200"
    tls_client_options tls;           // used for every https endpoint, redirects included
    header_map default_headers;       // sent with every request (e.g. X-Vault-Request: true)
    std::size_t max_connections = 8;  // per endpoint; more concurrent requests wait their turn
    retry_policy retry;
    std::chrono::milliseconds timeout{60000};          // default total deadline of send()
    std::chrono::milliseconds idle_timeout{30000};     // default max silence on the socket
    std::chrono::milliseconds connect_timeout{10000};  // TCP connect + TLS handshake
    std::chrono::milliseconds max_idle{20000};         // keep-alive connections unused longer are closed
    std::size_t max_response_body = 32 * 1024 * 1024;  // buffered bodies above this: errc::too_large
    unsigned max_redirects = 3;
    // A redirect re-sends every header and the body, so it is followed only to the same scheme, host and
    // port, to one of these endpoints (other nodes of the same cluster), or to an endpoint vouch_redirect
    // confirms (which is then trusted too). Anything else is refused with errc::bad_response naming both.
    std::vector<endpoint> trusted_redirects;
    std::function<boost::asio::awaitable<bool>(endpoint to)> vouch_redirect;
    std::string user_agent = "vaultkeeper";
};

class client
{
public:
    // Validates base_url and builds the TLS context. errc::invalid_argument for a bad URL or TLS file.
    static result<std::unique_ptr<client>> create(boost::asio::any_io_executor ex, client_params params);

    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Sends a request and returns the final response, whatever its status (a 404 or 503 after the last
    // retry is a response, not an error). Errors (with endpoint and path, never header values or bodies):
    //   errc::transport_error  resolve/connect/TLS/reset/truncated, after the retries
    //   errc::timeout          the total deadline, connect_timeout or idle_timeout expired
    //   errc::cancelled        the awaiting coroutine was cancelled (terminal cancellation); the connection
    //                          in use is closed, not pooled
    //   errc::too_large        a buffered body above max_response_body
    //   errc::bad_response     unparseable response, bad redirect, https->http redirect or a redirect out of
    //                          the origin and trusted endpoints refused
    //   errc::invalid_argument bad target URL; the error of a sink or source is returned as is
    // Retries: idempotent requests only, on transport errors, 429 and 5xx but 501, honouring Retry-After.
    // The client and `req` must outlive the send() in progress. With g++ 12, pass a named request: a braced
    // temporary (send(client_request{})) inside the co_await expression is miscompiled.
    boost::asio::awaitable<result<response>> send(const client_request& req);

    // True when certificate verification is off (callers log a warning at start-up).
    bool skip_verify() const noexcept;
    const endpoint& base() const noexcept;

    // Connections opened so far, over all endpoints (tests check keep-alive reuse with it).
    std::uint64_t connections_opened() const noexcept;
    // Idle keep-alive connections currently pooled.
    std::size_t idle_connections() const noexcept;
    // Closes every idle connection.
    void close_idle();

    struct impl;

private:
    explicit client(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::http

#endif
