// simc::server: listeners (start/stop/restart), connection tracking and request dispatch.
#include "common/server_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace simc {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

server::server(asio::io_context& ioc, server_options options)
    : impl_(std::make_unique<impl>(ioc, std::move(options)))
{
    impl_->self = this;
}

server::~server()
{
    stop_all();
}

std::size_t server::add_listener(listener_config config)
{
    impl_->listeners.push_back(listener_state{std::move(config), nullptr, nullptr, 0});
    return impl_->listeners.size() - 1;
}

namespace {

// Loads the listener's certificate and key into a fresh TLS server context.
boost::system::error_code make_tls(const tls_files& files, std::shared_ptr<asio::ssl::context>& out)
{
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(files.cert_file, ec);
    if (!ec)
        ctx->use_private_key_file(files.key_file, asio::ssl::context::pem, ec);
    if (!ec && !files.client_ca_file.empty())
    {
        ctx->load_verify_file(files.client_ca_file, ec);
        if (!ec)
            ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
    }
    if (!ec)
        out = std::move(ctx);
    return ec;
}

// Opens, binds and listens; reuse_address lets a killed node come back on its port at once.
boost::system::error_code open_acceptor(tcp::acceptor& acc, const tcp::endpoint& ep)
{
    boost::system::error_code ec;
    acc.open(ep.protocol(), ec);
    if (!ec)
        acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acc.bind(ep, ec);
    if (!ec)
        acc.listen(asio::socket_base::max_listen_connections, ec);
    return ec;
}

void log_exception(std::exception_ptr e)
{
    if (!e)
        return;
    try
    {
        std::rethrow_exception(e);
    }
    catch (const std::exception& ex)
    {
        std::cerr << "sim: connection failed: " << ex.what() << "\n";
    }
}

}  // namespace

boost::system::error_code server::start(std::size_t id)
{
    auto& l = impl_->listeners.at(id);
    if (l.acceptor)
        return asio::error::already_started;
    boost::system::error_code ec;
    auto address = asio::ip::make_address(l.config.address, ec);
    if (ec)
        return ec;
    if (l.config.tls && !l.tls)
        if (ec = make_tls(*l.config.tls, l.tls); ec)
            return ec;
    auto acc = std::make_shared<tcp::acceptor>(impl_->ioc);
    // A restarted listener that asked for any port comes back on the port it had.
    unsigned short port = l.config.port ? l.config.port : l.bound_port;
    if (ec = open_acceptor(*acc, tcp::endpoint(address, port)); ec)
        return ec;
    l.bound_port = acc->local_endpoint().port();
    l.acceptor = acc;
    asio::co_spawn(impl_->ioc, impl_->accept_loop(id, std::move(acc)), log_exception);
    return {};
}

void server::stop(std::size_t id)
{
    auto& l = impl_->listeners.at(id);
    if (l.acceptor)
    {
        boost::system::error_code ignored;
        l.acceptor->close(ignored);
        l.acceptor.reset();
    }
    for (auto& [conn, entry] : impl_->connections)
        if (entry.listener == id)
        {
            boost::system::error_code ignored;
            entry.socket->close(ignored);
        }
}

void server::stop_all()
{
    for (std::size_t i = 0; i < impl_->listeners.size(); ++i)
        stop(i);
}

bool server::running(std::size_t id) const
{
    return impl_->listeners.at(id).acceptor != nullptr;
}

unsigned short server::port(std::size_t id) const
{
    return impl_->listeners.at(id).bound_port;
}

std::size_t server::listener_count() const
{
    return impl_->listeners.size();
}

void server::close_connections(std::uint64_t spare)
{
    for (auto& [conn, entry] : impl_->connections)
        if (conn != spare)
        {
            boost::system::error_code ignored;
            entry.socket->close(ignored);
        }
}

fault_injector& server::faults()
{
    return impl_->faults;
}

void server::add_control_route(std::string method, std::string path, handler h)
{
    if (method == "PUT")
        method = "POST";
    impl_->control_routes[{std::move(method), std::move(path)}] = std::move(h);
}

void server::on_reset(std::function<void()> hook)
{
    impl_->reset_hooks.push_back(std::move(hook));
}

asio::awaitable<response> server::dispatch(request& req)
{
    if (req.path.starts_with("/_sim/"))
    {
        try
        {
            co_return co_await impl_->control(req);
        }
        catch (const std::exception& e)
        {
            co_return text_response(500, std::string("sim control route failed: ") + e.what());
        }
    }
    auto& faults = impl_->faults;
    faults.count(route_key(req.method, req.path, impl_->options.counter_segments));
    if (faults.take_drop())
    {
        response dropped;
        dropped.status = 0;
        co_return dropped;
    }
    // Latency is a timer wait, so other connections keep being served meanwhile.
    if (faults.latency().count() > 0)
    {
        asio::steady_timer timer(co_await asio::this_coro::executor, faults.latency());
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (auto rule = faults.take_failure(req.method, req.path))
        co_return impl_->injected_failure(*rule);
    auto& on_request = impl_->listeners.at(req.listener).config.on_request;
    try
    {
        co_return co_await on_request(req);
    }
    catch (const std::exception& e)
    {
        co_return text_response(500, std::string("sim handler failed: ") + e.what());
    }
}

asio::awaitable<void> server::impl::accept_loop(std::size_t id, std::shared_ptr<tcp::acceptor> acc)
{
    for (;;)
    {
        auto [ec, socket] = co_await acc->async_accept(asio::as_tuple(asio::use_awaitable));
        // A stopped listener closed this acceptor (a restart made a new one).
        if (!acc->is_open())
            co_return;
        if (ec)
            continue;
        socket.set_option(tcp::no_delay(true), ec);
        asio::co_spawn(ioc, run_connection(std::move(socket), id, listeners[id].tls), log_exception);
    }
}

asio::awaitable<void> server::impl::run_connection(tcp::socket socket, std::size_t id,
                                                   std::shared_ptr<asio::ssl::context> tls)
{
    auto conn = next_connection++;
    // The registry lets stop() and close_connections() reach this socket; the guard unregisters it.
    struct unregister
    {
        impl* owner;
        std::weak_ptr<int> alive;
        std::uint64_t conn;
        ~unregister()
        {
            if (alive.lock())
                owner->connections.erase(conn);
        }
    } guard{this, alive, conn};
    if (!tls)
    {
        connections[conn] = {id, &socket};
        co_await detail::serve_http(socket, *self, id, conn, options.body_limit,
                                    listeners[id].config.streams_body);
        co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    connections[conn] = {id, &stream.next_layer()};
    auto [ec] =
        co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (!ec)
        co_await detail::serve_http(stream, *self, id, conn, options.body_limit,
                                    listeners[id].config.streams_body);
}

}  // namespace simc
