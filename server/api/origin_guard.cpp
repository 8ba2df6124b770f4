// Same-origin check for state-changing requests.
#include "api/origin_guard.hpp"

namespace vk::api {

bool origin_allowed(const http::request& req)
{
    if (req.method == "GET" || req.method == "HEAD")
        return true;
    auto origin = req.headers.get("Origin");
    if (!origin)
        return true;
    auto host = req.headers.get("Host");
    if (!host || host->empty())
        return false;
    for (std::string_view scheme : {"http://", "https://"})
        if (origin->size() > scheme.size() && http::iequals(origin->substr(0, scheme.size()), scheme))
            return http::iequals(origin->substr(scheme.size()), *host);
    return false;
}

}  // namespace vk::api
