// An upstream server's HTTP status as an errc (see upstream_status.hpp).
#include "core/upstream_status.hpp"

namespace vk {

errc upstream_errc(unsigned status) noexcept
{
    switch (status)
    {
    case 401:
    case 403: return errc::permission_denied;
    case 404: return errc::not_found;
    case 409:
    case 412: return errc::conflict;
    case 413: return errc::too_large;
    case 429: return errc::rate_limited;
    default: return status >= 400 && status < 500 ? errc::bad_request : errc::server_error;
    }
}

}  // namespace vk
