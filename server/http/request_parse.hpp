// The admin server's view of a request Beast parsed: untrusted bytes become a vk::http::request (decoded
// path, query parameters, headers, body). Internal to the server; kept apart so it can be fuzzed on its own.
#ifndef VAULTKEEPER_SERVER_HTTP_REQUEST_PARSE_HPP
#define VAULTKEEPER_SERVER_HTTP_REQUEST_PARSE_HPP

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>

#include "http/message.hpp"

namespace vk::http::detail {

// nullopt when the target is not origin-form (the server answers 400).
std::optional<request> to_request(boost::beast::http::request<boost::beast::http::string_body>&& m,
                                  std::string remote);

}  // namespace vk::http::detail

#endif
