// Internal: the server's state shared by the accept loop (server.cpp) and the sessions (server_session.cpp).
#ifndef VAULTKEEPER_SERVER_HTTP_SERVER_IMPL_HPP
#define VAULTKEEPER_SERVER_HTTP_SERVER_IMPL_HPP

#include "http/server.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <list>
#include <optional>

namespace vk::http {

struct server::impl
{
    impl(boost::asio::any_io_executor ex, server_params p, handler h)
        : executor(ex),
          params(std::move(p)),
          on_request(std::move(h)),
          acceptor(ex),
          changed(ex)
    {
    }

    // One entry per live session: stop() emits on its signal to cancel it wherever it is suspended.
    struct session_entry
    {
        boost::asio::cancellation_signal cancel;
    };

    boost::asio::any_io_executor executor;
    server_params params;
    handler on_request;
    boost::asio::ip::tcp::acceptor acceptor;
    std::shared_ptr<boost::asio::ssl::context> tls;  // null for plain HTTP
    std::list<session_entry> sessions;
    boost::asio::steady_timer changed;  // cancelled when a session ends or stop() is called: a wake-up
    std::uint64_t accepted = 0;
    bool stopping = false;

    void stop_all();
    void wake() { changed.cancel(); }
};

namespace detail {

// Serves one connection until it closes, fails, times out, or the session is cancelled. Never throws for
// I/O or handler failures (they are answered or logged); the caller owns nothing after the call but `s`.
boost::asio::awaitable<void> run_session(server::impl& s, boost::asio::ip::tcp::socket socket);

// The error answer for a failed request read: 431/413/400 with the JSON envelope, or nullopt when the
// connection should just be closed (peer gone, timeout, cancellation). Pure; unit-tested.
std::optional<response> answer_for_read_error(const boost::system::error_code& ec, std::size_t header_limit,
                                              std::size_t body_limit);

}  // namespace detail
}  // namespace vk::http

#endif
