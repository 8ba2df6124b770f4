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

#include "api/model/access.hpp"
#include "core/follow_up.hpp"
#include "http/message.hpp"

namespace vk::metrics {
class registry;
}

namespace vk::api {

class audit_trail;

using path_params = std::map<std::string, std::string, std::less<>>;
using route_handler =
    std::function<boost::asio::awaitable<http::response>(http::request&, const path_params&)>;
// A route whose answer depends on who calls (whoami; the job list, which shows a token limited to some jobs
// only those): the handler gets the access verdict, its caller known and allowed.
using caller_handler =
    std::function<boost::asio::awaitable<http::response>(http::request&, const path_params&, const verdict&)>;

struct route
{
    std::string method;   // "GET", "POST", "PUT"...
    std::string pattern;  // "/v1/jobs/{name}/cycles/{id}"
    bool needs_auth = true;
    route_handler handler;
    // The scope the route needs, declared with it; unset: read for GET, operate for the other methods. A
    // {name} in the pattern is the job a token limited to some jobs must be allowed.
    std::optional<vk::scope> needs = std::nullopt;
    caller_handler for_caller = nullptr;  // set instead of handler for an answer that depends on the caller
    // What the audit trail waits for before it writes the change's outcome (a trigger: the cycle it starts).
    vk::follow_up follow = vk::follow_up::none;
    bool any_scope = false;  // any known caller, whatever its scopes (whoami)
    // The scope that suffices instead when the body asks for a dry run ({"dry_run": true}: a restore drill
    // checks everything a restore does and changes nothing); unset: the body does not matter.
    std::optional<vk::scope> dry_run_needs = std::nullopt;
    bool audit_read = false;  // a GET written to the audit trail like a change (a custodian's share)
};

// The scope a route needs (its declared one, or the method's default).
vk::scope needed_scope(const route& r);
// The scope a request of this route needs: needed_scope, or dry_run_needs when the body is a JSON object with
// "dry_run": true (any other body, unparsable ones included, needs the full scope).
vk::scope needed_scope(const route& r, std::string_view body);
// The bearer token of a request ("Authorization: Bearer <token>"), nullopt without one.
std::optional<std::string_view> bearer_of(const http::request& req);

// Matches a path against a template; captures {name} segments (which never contain '/').
std::optional<path_params> match_pattern(std::string_view pattern, std::string_view path);

class router
{
public:
    // `access` gives the admin tokens as last loaded (a reload changes them at once); `metrics` may be null.
    router(std::function<const access_list&()> access, metrics::registry* metrics);

    void add(route r);
    // Requests whose Host header this predicate refuses are answered 403 before routing (DNS rebinding).
    void set_host_check(std::function<bool(std::string_view host)> host_ok) { host_ok_ = std::move(host_ok); }
    // Every change (any route but GET) is written to `audit` before it is made, and its answer after; denied
    // requests are counted. May be null (no audit trail).
    void set_audit(audit_trail* audit) { audit_ = audit; }
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
    // The answer of a route that needs a token: the handler's, or the refusal of the access verdict.
    boost::asio::awaitable<http::response> guarded(const found& f, http::request& req,
                                                   const std::string& route_label);

    // The handler's answer between the audit trail's request and answer lines.
    boost::asio::awaitable<http::response> audited(const found& f, http::request& req,
                                                   const std::string& route_label, const verdict& v);
    static boost::asio::awaitable<http::response> call(const found& f, http::request& req, const verdict& v);

    std::function<const access_list&()> access_;
    audit_trail* audit_ = nullptr;
    std::function<bool(std::string_view)> host_ok_;
    metrics::registry* metrics_;
    std::vector<route> routes_;
};

}  // namespace vk::api

#endif
