// Internal state of simc::server, shared by server.cpp, control.cpp and connection.cpp.
#ifndef VAULTKEEPER_TESTS_SIM_COMMON_SERVER_IMPL_HPP
#define VAULTKEEPER_TESTS_SIM_COMMON_SERVER_IMPL_HPP

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "common/server.hpp"

namespace simc {

struct listener_state
{
    listener_config config;
    std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor;  // null while stopped
    std::shared_ptr<boost::asio::ssl::context> tls;
    unsigned short bound_port = 0;
};

struct connection_entry
{
    std::size_t listener;
    boost::asio::ip::tcp::socket* socket;  // owned by the connection's coroutine frame
};

struct server::impl
{
    impl(boost::asio::io_context& io, server_options opts)
        : ioc(io),
          options(std::move(opts))
    {
    }

    boost::asio::io_context& ioc;
    server_options options;
    server* self = nullptr;
    std::deque<listener_state> listeners;  // deque: references stay valid as listeners are added
    std::unordered_map<std::uint64_t, connection_entry> connections;
    std::uint64_t next_connection = 1;
    fault_injector faults;
    std::map<std::pair<std::string, std::string>, handler> control_routes;
    std::vector<std::function<void()>> reset_hooks;
    // Connection frames may outlive the server (destroyed with the io_context); they check this first.
    std::shared_ptr<int> alive = std::make_shared<int>(0);

    boost::asio::awaitable<void> accept_loop(std::size_t id,
                                             std::shared_ptr<boost::asio::ip::tcp::acceptor> acc);
    boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket, std::size_t id,
                                                std::shared_ptr<boost::asio::ssl::context> tls);
    boost::asio::awaitable<response> control(request& req);
    response injected_failure(const fail_rule& rule) const;
};

namespace detail {

// Serves requests on stream until the peer closes, an I/O error occurs or a response asks to close.
// Instantiated for tcp::socket and ssl::stream<tcp::socket>.
template <class Stream>
boost::asio::awaitable<void> serve_http(Stream& stream, server& srv, std::size_t listener,
                                        std::uint64_t connection, std::uint64_t body_limit,
                                        std::function<bool(const request&)> streams_body);

}  // namespace detail
}  // namespace simc

#endif
