// Connection pool: slot accounting, the fair wait queue, liveness checks, and connecting (TCP, then TLS).
#include "http/pool.hpp"
#include "async/use_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>

namespace vk::http::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// Per connection: a whole small answer (a metadata read, a status) in one recv, a large one (a sync bucket)
// in 4 KiB reads; 4 KiB keeps 128 connections within 512 KiB, where 16 KiB measured no faster.
constexpr std::size_t read_room = 4 * 1024;

// An idle keep-alive connection the server has closed reads as EOF (or has stray bytes): don't reuse it.
// One recv(MSG_PEEK | MSG_DONTWAIT): toggling the socket's non-blocking mode around it cost two more system
// calls per request (a tenth of the origin walk's CPU).
bool still_open(tcp::socket& s)
{
    char c;
    const auto n = ::recv(s.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

error connect_error(const endpoint& where, std::string what, const boost::system::error_code& ec)
{
    auto code = ec == beast::error::timeout ? errc::timeout : errc::transport_error;
    return make_error(code, what + ": " + ec.message(), where.str());
}
}  // namespace

beast::tcp_stream& connection::tcp()
{
    if (auto* p = std::get_if<beast::tcp_stream>(&stream))
        return *p;
    return beast::get_lowest_layer(std::get<tls_stream>(stream));
}

// A coroutine waiting for a slot; lives in the waiting coroutine's frame.
struct pool::waiter
{
    asio::steady_timer wake;
    bool granted = false;
    connection_ptr conn;  // a reusable connection handed over, or null: "connect yourself"
};

lease::~lease()
{
    if (pool_)
        pool_->give_back(std::move(conn_), keep_ && conn_);
}

pool::pool(asio::any_io_executor ex, endpoint where, pool_params p, std::shared_ptr<asio::ssl::context> tls)
    : ex_(std::move(ex)),
      where_(std::move(where)),
      params_(std::move(p)),
      tls_(std::move(tls))
{
}

pool::~pool() = default;

void pool::close_idle()
{
    total_ -= idle_.size();
    idle_.clear();
}

void pool::give_back(connection_ptr c, bool reusable)
{
    // The oldest waiter gets the slot first (fairness), with the connection if it can be reused.
    if (!waiters_.empty())
    {
        auto* w = waiters_.front();
        waiters_.pop_front();
        w->granted = true;
        w->conn = reusable ? std::move(c) : nullptr;
        w->wake.cancel();
        return;
    }
    if (reusable)
    {
        c->idle_since = std::chrono::steady_clock::now();
        idle_.push_back(std::move(c));
        return;
    }
    --total_;
}

std::optional<lease> pool::take_idle()
{
    auto now = std::chrono::steady_clock::now();
    while (!idle_.empty())
    {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        if (now - c->idle_since < params_.max_idle && c->buffer.size() == 0 && still_open(c->tcp().socket()))
            return lease(this, std::move(c));
        --total_;  // stale: closed by dropping it
    }
    return std::nullopt;
}

asio::awaitable<result<lease>> pool::acquire(attempt_state& st)
{
    if (auto l = take_idle())
    {
        st.reused = true;
        co_return std::move(*l);
    }
    if (total_ >= params_.max_connections)
    {
        waiter w{asio::steady_timer(ex_, asio::steady_timer::time_point::max()), false, nullptr};
        waiters_.push_back(&w);
        // Leaving early (cancellation) must not lose a slot or leave a dangling waiter behind.
        struct guard
        {
            pool& p;
            waiter& w;
            ~guard()
            {
                if (!w.granted)
                    std::erase(p.waiters_, &w);
                else if (w.conn)
                    p.give_back(std::move(w.conn), true);
            }
        } g{*this, w};
        co_await w.wake.async_wait(use_tuple);
        if (!w.granted)
            co_return make_error(errc::cancelled, "cancelled while waiting for a connection", where_.str());
        if (w.conn)
        {
            st.reused = true;
            co_return lease(this, std::move(w.conn));
        }
        // Granted an empty slot: total_ already counts it; connect below.
    }
    else
        ++total_;
    lease l(this, nullptr);  // owns the slot: a failed connect hands it on
    auto c = co_await connect(st);
    if (!c)
        co_return c.error();
    l.set(std::move(*c));
    co_return std::move(l);
}

asio::awaitable<result<connection_ptr>> pool::connect(attempt_state& st)
{
    st.retryable = true;
    beast::tcp_stream tcp_s(ex_);
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(where_.host, ec);
    std::vector<tcp::endpoint> targets;
    if (!ec)
        targets.emplace_back(addr, where_.port);
    else
    {
        tcp::resolver resolver(ex_);
        auto [rec, found] =
            co_await resolver.async_resolve(where_.host, std::to_string(where_.port), use_tuple);
        if (rec)
            co_return connect_error(where_, "cannot resolve host", rec);
        for (const auto& e : found)
            targets.push_back(e.endpoint());
    }
    tcp_s.expires_after(params_.connect_timeout);
    auto [cec, ep] = co_await tcp_s.async_connect(targets, use_tuple);
    if (cec)
        co_return connect_error(where_, "cannot connect", cec);
    tcp_s.socket().set_option(tcp::no_delay(true), ec);
    auto c = std::make_unique<connection>(connection{std::move(tcp_s), {}, {}});
    // Beast reads at most the buffer's free room (at least 512 bytes), and the room only grows while unread
    // bytes pile up: without it a 1 KiB answer took two recv calls and a 300 KiB sync bucket hundreds.
    c->buffer.reserve(read_room);
    ++opened_;
    if (!where_.tls())
        co_return c;

    tls_stream tls_s(std::move(std::get<beast::tcp_stream>(c->stream)), *tls_);
    const std::string& name = params_.tls_name.empty() ? where_.host : params_.tls_name;
    asio::ip::make_address(name, ec);
    if (ec && !SSL_set_tlsext_host_name(tls_s.native_handle(), name.c_str()))  // SNI is for names, not IPs
        co_return make_error(errc::transport_error, "cannot set TLS server name", where_.str());
    if (params_.verify)
        tls_s.set_verify_callback(asio::ssl::host_name_verification(name));
    auto [hec] = co_await tls_s.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec)
    {
        // Certificate and protocol failures will not heal by retrying; a reset during the handshake may.
        st.retryable = hec.category() != asio::error::get_ssl_category();
        co_return connect_error(where_, "TLS handshake failed", hec);
    }
    c->stream.emplace<tls_stream>(std::move(tls_s));
    co_return c;
}

}  // namespace vk::http::detail
