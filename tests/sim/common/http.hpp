// The request/response model every simulator handler sees: plain structs, independent of Beast's types.
#ifndef VAULTKEEPER_TESTS_SIM_COMMON_HTTP_HPP
#define VAULTKEEPER_TESTS_SIM_COMMON_HTTP_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simc {

// One piece of a streamed request body (see request::body_stream).
struct body_chunk
{
    // Valid until the next read; empty on the last call.
    std::string_view data;
    // True once the body ended as announced (Content-Length reached, last chunk of a chunked body).
    bool complete = false;
    // True when the connection closed or failed before the body ended: what arrived is incomplete.
    bool aborted = false;
};

// A request body read on demand, for routes that stream it (listener_config::streams_body): each read waits
// for the next bytes (at most a bounded buffer's worth). After complete or aborted, reads return the same.
using body_source = std::function<boost::asio::awaitable<body_chunk>()>;

struct request
{
    // Verb as sent, including non-standard ones ("LIST").
    std::string method;
    // Raw request target ("/v1/kv/a%20b?recurse").
    std::string target;
    // Percent-decoded path without the query ("/v1/kv/a b").
    std::string path;
    // Decoded query parameters ('+' is a space); the first occurrence wins; a bare "?recurse" maps to "".
    std::map<std::string, std::string, std::less<>> query;
    // Case-insensitive header lookup through header().
    boost::beast::http::fields headers;
    // The whole body, except for a streamed route: then body is empty and body_stream reads it.
    std::string body;
    body_source body_stream;
    // Which listener (add_listener's id) received the request: vault-sim maps it to a node.
    std::size_t listener = 0;
    // Identifies the connection (server::close_connections can spare it).
    std::uint64_t connection = 0;

    // Header value or "" when absent.
    std::string_view header(std::string_view name) const;
    // Query parameter value, or nullptr when absent.
    const std::string* param(std::string_view name) const;
    bool has_param(std::string_view name) const { return param(name) != nullptr; }
};

struct response
{
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Large downloads: when set, body is ignored and the producer is called until it returns nullopt;
    // each chunk is written as soon as it is produced. Sent with Content-Length when stream_length is
    // set, chunked otherwise.
    std::function<std::optional<std::string>()> stream;
    std::optional<std::uint64_t> stream_length;
    // Close the connection after this response.
    bool close = false;

    response& set(std::string name, std::string value);
};

// A handler may suspend (Consul blocking queries hold a request for minutes); it runs on the server's
// single thread, so it may touch the simulator's state without locks.
using handler = std::function<boost::asio::awaitable<response>(request&)>;

// Plain-text body (Consul's errors, Go's http.Error); Content-Type text/plain; charset=utf-8.
response text_response(unsigned status, std::string body);
// Compact JSON body with Content-Type application/json.
response json_response(unsigned status, const boost::json::value& body);
// A 200 whose body is JSON text built by hand (Consul's answers, written in Consul's field order).
response json_text(std::string body);
// Vault's error envelope {"errors":[...]}.
response json_errors(unsigned status, std::vector<std::string> errors);
// Parses a JSON document; nullopt on a syntax error (empty input is an error too).
std::optional<boost::json::value> parse_json(std::string_view text);

}  // namespace simc

#endif
