// Internal: keep-alive connections to one endpoint, at most N at a time; further requests queue fairly.
#ifndef VAULTKEEPER_SERVER_HTTP_POOL_HPP
#define VAULTKEEPER_SERVER_HTTP_POOL_HPP

#include "core/error.hpp"
#include "http/model/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace vk::http::detail {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// One HTTP/1.1 connection, plain or TLS.
struct connection
{
    std::variant<boost::beast::tcp_stream, tls_stream> stream;
    boost::beast::flat_buffer buffer;  // bytes read past the previous response (normally none)
    std::chrono::steady_clock::time_point idle_since;

    boost::beast::tcp_stream& tcp();
};
using connection_ptr = std::unique_ptr<connection>;

// What the retry logic needs to know about an attempt, filled in as it goes.
struct attempt_state
{
    bool retryable = false;   // the failure is a connection-level one worth another attempt
    bool reused = false;      // the connection came from the idle list
    bool delivered = false;   // bytes reached the caller's sink: the attempt cannot be repeated
    bool keep_alive = false;  // the response completed and the connection may be reused
};

class pool;

// Exclusive use of a connection slot. Destroying it gives the slot back: the connection returns to the
// pool only after keep() (a complete response), otherwise it is closed (errors, cancellation).
class lease
{
public:
    lease(pool* p, connection_ptr c)
        : pool_(p),
          conn_(std::move(c))
    {
    }
    lease(lease&& o) noexcept
        : pool_(std::exchange(o.pool_, nullptr)),
          conn_(std::move(o.conn_)),
          keep_(o.keep_)
    {
    }
    lease& operator=(lease&&) = delete;
    ~lease();

    connection& conn() { return *conn_; }
    void set(connection_ptr c) { conn_ = std::move(c); }
    void keep() { keep_ = true; }

private:
    pool* pool_;
    connection_ptr conn_;
    bool keep_ = false;
};

struct pool_params
{
    std::size_t max_connections = 8;
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds max_idle{20000};  // idle connections older than this are not reused
    std::string tls_name;                       // SNI / verified name; empty = endpoint host
    bool verify = true;
};

class pool
{
public:
    pool(boost::asio::any_io_executor ex, endpoint where, pool_params p,
         std::shared_ptr<boost::asio::ssl::context> tls);
    ~pool();

    // A live idle connection, a new one, or (at the limit) the next one released, in FIFO order.
    // Errors: errc::transport_error (resolve/connect/TLS; st.retryable tells which are worth retrying),
    // errc::timeout (connect_timeout). Cancellation: terminal, through the awaiting coroutine (throws
    // operation_aborted, which the client maps to errc::cancelled); a cancelled waiter leaves the queue.
    boost::asio::awaitable<result<lease>> acquire(attempt_state& st);

    std::size_t idle_count() const noexcept { return idle_.size(); }
    std::size_t open_count() const noexcept { return total_; }
    std::uint64_t opened_count() const noexcept { return opened_; }
    void close_idle();

private:
    friend class lease;
    struct waiter;

    void give_back(connection_ptr c, bool reusable);
    std::optional<lease> take_idle();
    boost::asio::awaitable<result<connection_ptr>> connect(attempt_state& st);

    boost::asio::any_io_executor ex_;
    endpoint where_;
    pool_params params_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::vector<connection_ptr> idle_;  // most recently used last
    std::deque<waiter*> waiters_;
    std::size_t total_ = 0;  // connections leased, idle, or being connected
    std::uint64_t opened_ = 0;
};

}  // namespace vk::http::detail

#endif
