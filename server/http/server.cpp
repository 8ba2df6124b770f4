// The server's lifecycle: bind, the accept loop with its connection limit, and a stop that leaves nothing
// running (sessions are children of run(), which waits for them).
#include "http/server.hpp"

#include "http/model/url.hpp"
#include "http/server_impl.hpp"
#include "http/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace vk::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

result<tcp::endpoint> resolve_listen(const std::string& listen)
{
    auto hp = parse_host_port(listen);
    if (!hp)
        return hp.error();
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(hp->first == "localhost" ? "127.0.0.1" : hp->first, ec);
    if (ec)
        return make_error(errc::invalid_argument, "listen address must be an IP address: '" + listen + "'");
    return tcp::endpoint(addr, hp->second);
}

// Opens, binds and listens; each step's failure names the address.
result<void> open_acceptor(tcp::acceptor& a, const tcp::endpoint& ep, const std::string& listen)
{
    boost::system::error_code ec;
    auto fail = [&](std::string_view step) {
        return make_error(errc::io_error, std::string(step) + " " + listen + ": " + ec.message());
    };
    if (a.open(ep.protocol(), ec), ec)
        return fail("cannot open socket for");
    a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (a.bind(ep, ec), ec)
        return fail("cannot bind");
    if (a.listen(asio::socket_base::max_listen_connections, ec), ec)
        return fail("cannot listen on");
    return {};
}

}  // namespace

result<std::unique_ptr<server>> server::create(asio::any_io_executor ex, server_params params, handler h)
{
    auto ep = resolve_listen(params.listen);
    if (!ep)
        return ep.error();
    auto p = std::make_unique<impl>(ex, std::move(params), std::move(h));
    if (p->params.tls)
    {
        auto ctx = detail::make_server_context(*p->params.tls);
        if (!ctx)
            return ctx.error();
        p->tls = std::move(*ctx);
    }
    if (auto r = open_acceptor(p->acceptor, *ep, p->params.listen); !r)
        return r.error();
    return std::unique_ptr<server>(new server(std::move(p)));
}

result<void> server::reload_tls(const tls_server_options& tls)
{
    if (!impl_->tls)
        return make_error(errc::bad_request, "the admin server was started without TLS");
    auto ctx = detail::make_server_context(tls);
    if (!ctx)
        return ctx.error();
    impl_->tls = std::move(*ctx);
    return {};
}

server::server(std::unique_ptr<impl> p)
    : impl_(std::move(p))
{
}
server::~server() = default;

std::uint16_t server::port() const noexcept
{
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

std::string server::local_address() const
{
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    if (ec)
        return {};
    auto a = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(ep.port());
}

std::size_t server::connection_count() const noexcept
{
    return impl_->sessions.size();
}
std::uint64_t server::accepted_count() const noexcept
{
    return impl_->accepted;
}

void server::stop()
{
    impl_->stop_all();
}

void server::impl::stop_all()
{
    stopping = true;
    boost::system::error_code ec;
    acceptor.close(ec);  // a pending accept completes with operation_aborted
    for (auto& s : sessions)
        s.cancel.emit(asio::cancellation_type::terminal);
    wake();
}

namespace {

// Waits until something changes (a session ended, stop()); spurious wake-ups are fine, callers re-check.
asio::awaitable<void> wait_change(server::impl& s)
{
    s.changed.expires_at(asio::steady_timer::time_point::max());
    co_await s.changed.async_wait(asio::as_tuple(asio::use_awaitable));
}

void start_session(server::impl& s, tcp::socket sock)
{
    auto& entry = s.sessions.emplace_back();
    auto it = std::prev(s.sessions.end());
    ++s.accepted;
    // The entry (and its signal) is erased from a posted function rather than inside the completion
    // handler, so the signal never dies while co_spawn may still touch its slot (Asio < 1.83 lifetime issue).
    auto done = [&s, it](std::exception_ptr e) {
        if (e)
        {
            try
            {
                std::rethrow_exception(e);
            }
            catch (const std::exception& x)
            {
                spdlog::error("http server: session failed: {}", x.what());
            }
        }
        asio::post(s.executor, [&s, it] {
            s.sessions.erase(it);
            s.wake();
        });
    };
    asio::co_spawn(s.executor, detail::run_session(s, std::move(sock)),
                   asio::bind_cancellation_slot(entry.cancel.slot(), std::move(done)));
}

}  // namespace

asio::awaitable<void> server::run()
{
    auto& s = *impl_;
    // Cancellation of run() arrives as an aborted accept/wait; from then on nothing may throw, the
    // shutdown below must still wait for the sessions.
    co_await asio::this_coro::throw_if_cancelled(false);
    for (;;)
    {
        auto cs = co_await asio::this_coro::cancellation_state;
        if (s.stopping || cs.cancelled() != asio::cancellation_type::none)
            break;
        if (s.sessions.size() >= s.params.max_connections)
        {
            co_await wait_change(s);  // the backlog holds new clients meanwhile
            continue;
        }
        auto [ec, sock] = co_await s.acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec)
        {
            if (ec != asio::error::operation_aborted)
            {
                // E.g. out of file descriptors: pause instead of spinning on the failing accept.
                spdlog::warn("http server {}: accept failed: {}", s.params.listen, ec.message());
                asio::steady_timer pause(s.executor, std::chrono::milliseconds(100));
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            continue;  // the loop head decides whether this was a stop
        }
        start_session(s, std::move(sock));
    }
    s.stop_all();
    co_await asio::this_coro::reset_cancellation_state();
    co_await asio::this_coro::throw_if_cancelled(false);
    while (!s.sessions.empty())
        co_await wait_change(s);
}

}  // namespace vk::http
