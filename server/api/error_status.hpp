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

// The admin API's own refusals, decided before or around a handler; their statuses are chosen here too, so
// that this stays the only file that picks an HTTP status for an error.
enum class refusal
{
    unauthorized,        // 401 unauthorized (with WWW-Authenticate: Bearer)
    forbidden,           // 403 forbidden: the token lacks the route's scope or may not act on its job
    host_not_allowed,    // 403 host_not_allowed
    cross_origin,        // 403 cross_origin
    no_route,            // 404 not_found
    job_not_found,       // 404 job_not_found
    cycle_not_found,     // 404 cycle_not_found
    method_not_allowed,  // 405 method_not_allowed (the caller sets Allow)
};
http::response refuse(refusal r, std::string message);

}  // namespace vk::api

#endif
