// Internal: one request/response exchange on a pooled connection (write, then read), streaming both ways.
#ifndef VAULTKEEPER_SERVER_HTTP_EXCHANGE_HPP
#define VAULTKEEPER_SERVER_HTTP_EXCHANGE_HPP

#include "http/client.hpp"
#include "http/pool.hpp"

namespace vk::http::detail {

struct exchange_params
{
    std::string_view method;
    std::string_view target;
    std::string_view host;  // Host header value
    const header_map& default_headers;
    const header_map& headers;
    const std::string& body;
    const body_source* upload;  // null: send `body`
    const body_sink* download;  // null or empty: buffer the body
    std::chrono::milliseconds idle_timeout;
    std::size_t max_body;
};

// Writes the request and reads the response. Every socket operation must make progress within
// idle_timeout (errc::timeout). Fills st (retryable, delivered, keep_alive). Errors carry no endpoint/path;
// the caller adds them. Cancellation: terminal, through the awaiting coroutine (throws operation_aborted).
boost::asio::awaitable<result<response>> exchange(connection& c, const exchange_params& x, attempt_state& st);

}  // namespace vk::http::detail

#endif
