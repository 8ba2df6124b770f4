// Endpoint and URL parsing for the HTTP client and server: "host:port", absolute URLs, Location headers.
#ifndef VAULTKEEPER_SERVER_HTTP_MODEL_URL_HPP
#define VAULTKEEPER_SERVER_HTTP_MODEL_URL_HPP

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace vk::http {

// Where connections go: the pool key. `host` is kept without IPv6 brackets.
struct endpoint
{
    std::string scheme;  // "http" or "https"
    std::string host;
    std::uint16_t port = 0;

    bool tls() const noexcept { return scheme == "https"; }
    // "scheme://host:port", the form used in vk::error::endpoint and as pool key.
    std::string str() const;
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

// host[:port] as sent in Host (the port only when not the scheme's default; IPv6 in brackets).
std::string host_header(const endpoint& e);

struct url_parts
{
    endpoint where;
    std::string target;  // origin-form: path plus "?query", at least "/"
};

// Splits "host:port" / "[v6]:port". Returns errc::invalid_argument when the port is missing or not a number
// in 0..65535 (0 is allowed: ephemeral).
result<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view s);

// Parses an absolute http/https URL; the port defaults to 80/443. errc::invalid_argument otherwise.
result<url_parts> parse_url(std::string_view s);

// Resolves a Location header against the endpoint that sent it (absolute URL or absolute path).
result<url_parts> resolve_location(const endpoint& base, std::string_view location);

}  // namespace vk::http

#endif
