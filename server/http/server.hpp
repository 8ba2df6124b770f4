// The daemon's HTTP/1.1 server (admin API, /metrics): accept loop, one coroutine per connection,
// keep-alive, request limits and timeouts, optional TLS. Beast stays inside server.cpp.
#ifndef VAULTKEEPER_SERVER_HTTP_SERVER_HPP
#define VAULTKEEPER_SERVER_HTTP_SERVER_HPP

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/tls_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace vk::http {

// Answers one request. May throw: the server then answers 500 with the JSON error envelope and logs.
// Cancellation: the handler's coroutine is cancelled (terminal) when the server stops.
using handler = std::function<boost::asio::awaitable<response>(request&)>;

struct server_params
{
    std::string listen = "127.0.0.1:8290";  // host:port; port 0 picks an ephemeral port (see server::port)
    std::optional<tls_server_options> tls;  // HTTPS when set
    std::size_t header_limit = 16 * 1024;   // bytes of request line + headers; above: 431
    std::size_t body_limit = 1024 * 1024;   // bytes of body; above: 413
    std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};  // whole request, head + body
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // keep-alive wait for the next request
    std::size_t max_connections = 256;  // further clients wait in the listen backlog
};

class server
{
public:
    // Binds and listens. Returns errc::invalid_argument for a bad listen string or TLS files, and
    // errc::io_error naming the address when it cannot be bound (e.g. the port is in use).
    static result<std::unique_ptr<server>> create(boost::asio::any_io_executor ex, server_params params,
                                                  handler h);

    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // The bound port (the real one when params.listen asked for port 0).
    std::uint16_t port() const noexcept;
    // "host:port" actually bound.
    std::string local_address() const;

    // Serves until stop() is called or the awaiting coroutine is cancelled. Before returning, it closes the
    // listener, cancels every connection (and handlers in progress) and waits for them to finish, so no
    // coroutine is left behind. Call at most once.
    boost::asio::awaitable<void> run();

    // Replaces the certificate and key (a rotated file on SIGHUP): new connections use them, open ones keep
    // the old. errc::invalid_argument for unreadable or mismatched files (the old ones stay);
    // errc::bad_request when the server was created without TLS.
    result<void> reload_tls(const tls_server_options& tls);

    // Asks run() to finish promptly; safe to call from any coroutine on the same executor, or before run().
    void stop();

    // Connections currently open (for metrics and tests).
    std::size_t connection_count() const noexcept;
    // Connections accepted since creation.
    std::uint64_t accepted_count() const noexcept;

    struct impl;

private:
    explicit server(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::http

#endif
