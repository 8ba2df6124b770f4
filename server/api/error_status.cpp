// errc -> HTTP status, and the error envelope.
#include "api/error_status.hpp"

#include <string>

namespace vk::api {

unsigned http_status(errc e) noexcept
{
    switch (e)
    {
    case errc::ok: return 200;
    case errc::not_found: return 404;
    case errc::permission_denied: return 403;
    case errc::bad_request:
    case errc::invalid_argument: return 400;
    case errc::conflict: return 409;
    case errc::too_large: return 413;
    case errc::timeout: return 504;
    case errc::unavailable:
    case errc::cancelled: return 503;
    case errc::sealed:
    case errc::uninitialized:
    case errc::standby:
    case errc::rate_limited:
    case errc::server_error:
    case errc::transport_error:
    case errc::bad_response: return 502;
    case errc::io_error:
    case errc::internal: return 500;
    }
    return 500;
}

http::response error_response(const vk::error& e)
{
    // describe() starts with the code, which the envelope carries on its own.
    std::string message = e.describe();
    std::string prefix = std::string(to_string(e.code)) + ": ";
    if (message.starts_with(prefix))
        message.erase(0, prefix.size());
    return http::response::error(http_status(e.code), to_string(e.code), message);
}

http::response refuse(refusal r, std::string message)
{
    switch (r)
    {
    case refusal::unauthorized: {
        auto res = http::response::error(401, "unauthorized", std::move(message));
        res.headers.set("WWW-Authenticate", "Bearer");
        return res;
    }
    case refusal::forbidden: return http::response::error(403, "forbidden", std::move(message));
    case refusal::host_not_allowed: return http::response::error(403, "host_not_allowed", std::move(message));
    case refusal::cross_origin: return http::response::error(403, "cross_origin", std::move(message));
    case refusal::no_route: return http::response::error(404, "not_found", std::move(message));
    case refusal::job_not_found: return http::response::error(404, "job_not_found", std::move(message));
    case refusal::cycle_not_found: return http::response::error(404, "cycle_not_found", std::move(message));
    case refusal::method_not_allowed:
        return http::response::error(405, "method_not_allowed", std::move(message));
    }
    return http::response::error(500, "internal", std::move(message));
}

}  // namespace vk::api
