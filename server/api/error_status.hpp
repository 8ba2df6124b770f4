// The one place where vk::errc values become HTTP statuses and the API's error envelope
// {"error": {"code": "...", "message": "..."}}: handlers and kind actions return errors as values.
#ifndef VAULTKEEPER_SERVER_API_ERROR_STATUS_HPP
#define VAULTKEEPER_SERVER_API_ERROR_STATUS_HPP

#include "core/error.hpp"
#include "http/message.hpp"

namespace vk::api {

// not_found 404, permission_denied 403, bad_request/invalid_argument 400, conflict 409, too_large 413,
// timeout 504, unavailable/cancelled 503, failures of an upstream server (sealed, standby, uninitialized,
// rate_limited, server_error, transport_error, bad_response) 502, the rest 500.
unsigned http_status(errc e) noexcept;

// The error envelope for e: code = to_string(e.code), message = e.describe() without the code (never a
// secret: errors never carry one).
http::response error_response(const vk::error& e);

}  // namespace vk::api

#endif
