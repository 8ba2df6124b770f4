// An HTTP/1.1 server for the simulators: several listeners (plain or TLS) on one single-threaded
// io_context, one coroutine per connection, keep-alive, fault injection and the /_sim/ control API.
#ifndef VAULTKEEPER_TESTS_SIM_COMMON_SERVER_HPP
#define VAULTKEEPER_TESTS_SIM_COMMON_SERVER_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/faults.hpp"
#include "common/http.hpp"

namespace simc {

struct tls_files
{
    std::string cert_file;  // PEM certificate chain
    std::string key_file;   // PEM private key
    // Mutual TLS: when set, a client must present a certificate signed by this CA or the handshake fails
    // (Vault's tls_require_and_verify_client_cert with tls_client_ca_file).
    std::string client_ca_file;
};

struct listener_config
{
    std::string address = "127.0.0.1";
    unsigned short port = 0;  // 0: any free port (see server::port)
    std::optional<tls_files> tls;
    handler on_request;
    // Asked once a request's header arrived (method, target, path, query and headers are set): true hands the
    // handler request::body_stream instead of a whole body, with no body size limit (raft snapshot restores
    // of tens of GiB). Unset: every body arrives whole.
    std::function<bool(const request&)> streams_body;
};

struct server_options
{
    // Largest whole request body accepted; larger ones get 413. Streamed bodies
    // (listener_config::streams_body) have no limit.
    std::uint64_t body_limit = std::uint64_t{1} << 30;
    // Counter keys keep this many path segments: 2 gives "GET /v1/kv".
    unsigned counter_segments = 2;
    // Body of an injected failure whose rule has none; default: plain text "simulated failure".
    std::function<response(unsigned status)> fail_response;
};

class server
{
public:
    explicit server(boost::asio::io_context& ioc, server_options options = {});
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Registers a listener (not started); returns its id, which requests carry in request::listener.
    std::size_t add_listener(listener_config config);
    // Binds and starts accepting. Errors: address in use, unreadable TLS files, already running.
    boost::system::error_code start(std::size_t id);
    // "Kills" the listener: closes its acceptor and every open connection of it. start() revives it.
    void stop(std::size_t id);
    void stop_all();
    bool running(std::size_t id) const;
    // The bound port (useful with port 0); 0 when the listener never started.
    unsigned short port(std::size_t id) const;
    std::size_t listener_count() const;

    // Closes every open connection of every listener, except connection `spare` (0: none).
    void close_connections(std::uint64_t spare = 0);

    fault_injector& faults();
    // Adds a simulator-specific control route at an exact path under /_sim/ (PUT is treated as POST).
    // Control routes are never delayed, failed, dropped or counted.
    void add_control_route(std::string method, std::string path, handler h);
    // Runs after POST /_sim/reset has reset the faults and counters.
    void on_reset(std::function<void()> hook);

    // What a connection does with a parsed request: control API, or counters, drop, latency, injected
    // failure and finally the listener's handler. A response with status 0 means "close the connection
    // without answering". Handler exceptions become 500.
    boost::asio::awaitable<response> dispatch(request& req);

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace simc

#endif
