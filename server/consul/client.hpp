// The typed awaitable Consul client: KV (get, keys, recurse, put with cas/acquire/release, delete),
// blocking queries, transactions and sessions, over the daemon's pooled HTTP client.
#ifndef VAULTKEEPER_SERVER_CONSUL_CLIENT_HPP
#define VAULTKEEPER_SERVER_CONSUL_CLIENT_HPP

#include "consul/model/codec.hpp"
#include "consul/model/txn.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/model/retry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vk::http {
class client;
}

namespace vk::consul {

struct client_options
{
    std::size_t max_txn_ops = default_max_txn_ops;     // txn() refuses more operations than this
    http::retry_policy retry;                          // for idempotent requests (reads, plain puts, renew)
    std::size_t max_response_body = 32 * 1024 * 1024;  // a bigger answer is errc::too_large
};

// Read options. With index > 0 the read is a blocking query: it returns when the watched index moves past
// `index` or after `wait` (Consul's default 5 min when 0; Consul adds up to wait/16 of jitter).
struct query_options
{
    std::uint64_t index = 0;
    std::chrono::milliseconds wait{0};
    bool consistent = false;
};

// A read's value plus X-Consul-Index, to feed the next blocking query (see next_blocking_index()).
template <class T> struct query_result
{
    T value;
    std::uint64_t index = 0;
};

// At most one of cas / acquire / release (Consul rejects the combination with 400).
struct put_options
{
    std::uint64_t flags = 0;
    std::optional<std::uint64_t> cas;  // 0 = create only; N = only if ModifyIndex == N
    std::string acquire;               // session id: take the lock
    std::string release;               // session id: give the lock back
};

struct delete_options
{
    bool recurse = false;
    std::optional<std::uint64_t> cas;  // delete only if ModifyIndex matches
};

struct session_params
{
    std::string name;
    std::chrono::seconds ttl{15};  // Consul accepts 10 s to 24 h; 0 = no TTL
    std::chrono::milliseconds lock_delay{15000};
    std::string behavior = "release";  // "release" | "delete"
};

// Every call may fail with the errors of http::client::send (transport_error, timeout, cancelled, ...)
// and the Consul status mapping of map_error() (permission_denied, not_found, conflict, too_large,
// rate_limited, server_error, bad_request); a body that does not decode is errc::bad_response.
// Per-operation cancellation: terminal cancellation of the awaiting coroutine ends the request at once
// with errc::cancelled (blocking queries included). Calls may run concurrently; the client must outlive them.
// With g++ 12, pass option structs as named variables: a braced temporary (get(k, {i, w})) inside the
// co_await expression is destroyed twice.
class client
{
public:
    // Builds the HTTP client from cfg (address, ACL token sent as X-Consul-Token, datacenter as ?dc=, TLS,
    // max_connections, request_timeout, max_response_bytes: the lower of it and opts.max_response_body).
    // errc::invalid_argument for a bad address or TLS file.
    static result<std::unique_ptr<client>> create(boost::asio::any_io_executor ex,
                                                  const vk::consul_config& cfg, client_options opts = {});
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // One key; nullopt when it does not exist (404). The index is X-Consul-Index (also on a miss).
    boost::asio::awaitable<result<query_result<std::optional<kv_entry>>>> get(std::string key,
                                                                              query_options q);
    // Every entry under `prefix`, sorted by key; empty when there is none.
    boost::asio::awaitable<result<query_result<std::vector<kv_entry>>>> get_recurse(std::string prefix,
                                                                                    query_options q);
    // Key names under `prefix`; with a separator, cut after the first separator past the prefix.
    boost::asio::awaitable<result<query_result<std::vector<std::string>>>>
    keys(std::string prefix, std::string separator, query_options q);
    // Writes a value. Returns Consul's true/false (false: cas mismatch, lock held, release not held).
    // errc::too_large naming the key, without sending, when value exceeds max_value_size (512 KiB);
    // errc::invalid_argument for an empty key or conflicting options.
    boost::asio::awaitable<result<bool>> put(std::string key, std::string value, put_options o);
    // Deletes a key (or a prefix with recurse). Returns Consul's answer (false: cas mismatch).
    boost::asio::awaitable<result<bool>> remove(std::string key, delete_options o);

    // The same with default options. Overloads, not default arguments: g++ 12 destroys a defaulted `= {}`
    // coroutine argument twice.
    boost::asio::awaitable<result<query_result<std::optional<kv_entry>>>> get(std::string key)
    {
        query_options q;
        return get(std::move(key), q);
    }
    boost::asio::awaitable<result<query_result<std::vector<kv_entry>>>> get_recurse(std::string prefix)
    {
        query_options q;
        return get_recurse(std::move(prefix), q);
    }
    boost::asio::awaitable<result<query_result<std::vector<std::string>>>>
    keys(std::string prefix, std::string separator = std::string())
    {
        query_options q;
        return keys(std::move(prefix), std::move(separator), q);
    }
    boost::asio::awaitable<result<bool>> put(std::string key, std::string value)
    {
        put_options o;
        return put(std::move(key), std::move(value), std::move(o));
    }
    boost::asio::awaitable<result<bool>> remove(std::string key)
    {
        delete_options o;
        return remove(std::move(key), std::move(o));
    }
    // Runs ops all-or-nothing. A rollback is a value: committed == false with every failing op in errors.
    // errc::invalid_argument, without sending, for no ops or more than max_txn_ops; errc::too_large for a
    // value over the limit.
    boost::asio::awaitable<result<txn_result>> txn(std::vector<txn_op> ops);

    // Creates a session and returns its id.
    boost::asio::awaitable<result<std::string>> create_session(session_params p);
    // Renews a session's TTL. errc::not_found when the session no longer exists (expired or destroyed).
    boost::asio::awaitable<result<session_info>> renew_session(std::string id);
    // Destroys a session, releasing (or deleting) its locks. Idempotent: an unknown id is success.
    boost::asio::awaitable<result<void>> destroy_session(std::string id);
    // Reads a session; nullopt when it does not exist.
    boost::asio::awaitable<result<std::optional<session_info>>> read_session(std::string id);

    std::size_t max_txn_ops() const noexcept { return opts_.max_txn_ops; }
    const std::string& datacenter() const noexcept { return dc_; }
    // Requests sent need a connection; tests check reuse with it.
    http::client& transport() noexcept { return *http_; }

private:
    struct call;
    client(std::unique_ptr<http::client> http, std::string dc, std::chrono::milliseconds timeout,
           client_options o);
    boost::asio::awaitable<result<http::response>> send(call c);
    // A KV read: the body (nullopt for Consul's 404 "no such key") and X-Consul-Index.
    struct read_reply
    {
        std::optional<std::string> body;
        std::uint64_t index = 0;
    };
    boost::asio::awaitable<result<read_reply>> read(call c, const std::string& path);

    std::unique_ptr<http::client> http_;
    std::string dc_;
    std::chrono::milliseconds timeout_;
    client_options opts_;
};

}  // namespace vk::consul

#endif
