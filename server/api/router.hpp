// Admin API routing as data: a table of (method, path template, auth, handler). Lookup gives 404 for an
// unknown path and 405 (with Allow) for a known path and another method; every answer is counted in
// vaultkeeper_admin_requests_total by route template, never by raw path.
#ifndef VAULTKEEPER_SERVER_API_ROUTER_HPP
#define VAULTKEEPER_SERVER_API_ROUTER_HPP

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace vk::metrics {
class registry;
}

namespace vk::api {

using path_params = std::map<std::string, std::string, std::less<>>;
using route_handler =
    std::function<boost::asio::awaitable<http::response>(http::request&, const path_params&)>;

struct route
{
    std::string method;   // "GET", "POST", "PUT"...
    std::string pattern;  // "/v1/jobs/{name}/cycles/{id}"
    bool needs_auth = true;
    route_handler handler;
};

// Matches a path against a template; captures {name} segments (which never contain '/').
std::optional<path_params> match_pattern(std::string_view pattern, std::string_view path);

class router
{
public:
    // `token_ok` decides whether a request carries the admin token; `metrics` may be null.
    router(std::function<bool(const http::request&)> token_ok, metrics::registry* metrics);

    void add(route r);
    // Requests whose Host header this predicate refuses are answered 403 before routing (DNS rebinding).
    void set_host_check(std::function<bool(std::string_view host)> host_ok) { host_ok_ = std::move(host_ok); }
    const std::vector<route>& routes() const noexcept { return routes_; }

    boost::asio::awaitable<http::response> dispatch(http::request& req);

private:
    struct found
    {
        const route* r = nullptr;
        path_params params;
        std::string allow;  // methods of a path match with another method, for 405
    };
    found find(const http::request& req) const;

    std::function<bool(const http::request&)> token_ok_;
    std::function<bool(std::string_view)> host_ok_;
    metrics::registry* metrics_;
    std::vector<route> routes_;
};

}  // namespace vk::api

#endif
