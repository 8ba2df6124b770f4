// Route lookup, auth gate, metrics, and the 404/405 answers.
#include "api/router.hpp"

#include "api/error_status.hpp"

#include "api/audit_trail.hpp"
#include "api/origin_guard.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "metrics/registry.hpp"

#include <boost/json/parse.hpp>

#include <chrono>

namespace vk::api {

namespace {

std::vector<std::string_view> split(std::string_view path)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size())
    {
        auto end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::int64_t now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The peer without its port: denials are counted per client, not per connection.
std::string peer_host(const std::string& address)
{
    auto colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

std::optional<path_params> match_pattern(std::string_view pattern, std::string_view path)
{
    auto ps = split(pattern);
    auto xs = split(path);
    if (ps.size() != xs.size())
        return std::nullopt;
    path_params params;
    for (std::size_t i = 0; i < ps.size(); ++i)
    {
        if (ps[i].size() > 2 && ps[i].front() == '{' && ps[i].back() == '}')
        {
            if (xs[i].empty())
                return std::nullopt;
            params.emplace(std::string(ps[i].substr(1, ps[i].size() - 2)), std::string(xs[i]));
        }
        else if (ps[i] != xs[i])
            return std::nullopt;
    }
    return params;
}

vk::scope needed_scope(const route& r)
{
    if (r.needs)
        return *r.needs;
    return r.method == "GET" ? vk::scope::read : vk::scope::operate;
}

vk::scope needed_scope(const route& r, std::string_view body)
{
    if (!r.dry_run_needs)
        return needed_scope(r);
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* d = o ? o->if_contains("dry_run") : nullptr;
    return d && d->is_bool() && d->get_bool() ? *r.dry_run_needs : needed_scope(r);
}

std::optional<std::string_view> bearer_of(const http::request& req)
{
    auto h = req.headers.get("Authorization");
    return h ? bearer_token(*h) : std::nullopt;
}

router::router(std::function<const access_list&()> access, metrics::registry* metrics)
    : access_(std::move(access)),
      metrics_(metrics)
{
}

void router::add(route r)
{
    routes_.push_back(std::move(r));
}

router::found router::find(const http::request& req) const
{
    found f;
    for (const auto& r : routes_)
    {
        auto params = match_pattern(r.pattern, req.path);
        if (!params)
            continue;
        // HEAD is answered like GET; the HTTP layer sends its headers without the body.
        if (r.method == req.method || (req.method == "HEAD" && r.method == "GET"))
        {
            f.r = &r;
            f.params = std::move(*params);
            return f;
        }
        f.allow += (f.allow.empty() ? "" : ", ") + r.method;
    }
    return f;
}

boost::asio::awaitable<http::response> router::dispatch(http::request& req)
{
    found f = find(req);
    std::string route_label = f.r ? f.r->pattern : (f.allow.empty() ? "unmatched" : "method_not_allowed");
    http::response res;
    if (host_ok_ && !host_ok_(req.headers.get("Host").value_or("")))
        res = refuse(refusal::host_not_allowed, "the admin API does not answer for this Host header");
    else if (!f.r && f.allow.empty())
        res = refuse(refusal::no_route, "no route for " + req.path);
    else if (!f.r)
    {
        res = refuse(refusal::method_not_allowed, req.method + " is not allowed here; use " + f.allow);
        res.headers.set("Allow", f.allow);
    }
    else if (!origin_allowed(req))
        res = refuse(refusal::cross_origin, "the admin API refuses changes requested by another origin");
    else if (f.r->needs_auth)
        res = co_await guarded(f, req, route_label);
    else
        res = co_await f.r->handler(req, f.params);
    // API answers are never sniffed as another type and never cached (they carry job state and plans).
    res.headers.set("X-Content-Type-Options", "nosniff");
    if (req.path.starts_with("/v1/") || req.path == "/v1")
        res.headers.set("Cache-Control", "no-store");
    if (metrics_)
        metrics_->admin_request(route_label, res.status);
    co_return res;
}

boost::asio::awaitable<http::response> router::guarded(const found& f, http::request& req,
                                                       const std::string& route_label)
{
    auto job = f.params.find("name");
    const auto& list = access_();
    auto v = list.decide({bearer_of(req), req.client_cert.get()}, needed_scope(*f.r, req.body),
                         job == f.params.end() ? "" : job->second);
    // A route about the caller needs a known caller, not a scope.
    if (f.r->any_scope && v.who && v.refused)
        v.refused.reset();
    if (v.refused)
    {
        if (metrics_)
            metrics_->admin_denied(route_label, to_string(*v.refused));
        if (audit_)
            audit_->denied(route_label, peer_host(req.remote_address), to_string(*v.refused));
        co_return refuse(unauthenticated(*v.refused) ? refusal::unauthorized : refusal::forbidden, v.message);
    }
    if ((f.r->method == "GET" && !f.r->audit_read) || !audit_ || !audit_->active())
        co_return co_await call(f, req, v);
    co_return co_await audited(f, req, route_label, v);
}

boost::asio::awaitable<http::response> router::call(const found& f, http::request& req, const verdict& v)
{
    if (f.r->for_caller)
        co_return co_await f.r->for_caller(req, f.params, v);
    co_return co_await f.r->handler(req, f.params);
}

boost::asio::awaitable<http::response> router::audited(const found& f, http::request& req,
                                                       const std::string& route_label, const verdict& v)
{
    auto job = f.params.find("name");
    const auto requested_ms = now_ms();
    audit_request ar{audit_->next_id(),
                     format_rfc3339(std::chrono::system_clock::now()),
                     v.who->name,
                     std::string(to_string(v.via)),
                     req.remote_address,
                     req.method,
                     route_label,
                     job == f.params.end() ? "" : job->second,
                     identifying_fields(req.body)};
    if (auto w = co_await audit_->request(ar); !w)
        co_return error_response(w.error());
    auto res = co_await call(f, req, v);
    co_await audit_->answer(ar, res.status, res.body, f.r->follow, requested_ms);
    co_return res;
}

}  // namespace vk::api
