// Kind actions as routes: /v1/<kind>/{name}/<action>, and every kind's status route. A job of another kind
// answers 404, like a missing job, so a typo in the kind never acts on the wrong job. Actions answer results;
// statuses come from error_status.
#include "api/kind_routes.hpp"

#include <boost/json/parse.hpp>

#include "api/error_status.hpp"
#include "runtime/job_set.hpp"

namespace vk::api {
using boost::asio::awaitable;

namespace {

// The request body as JSON: null when empty, errc::bad_request naming the position when it does not parse.
result<boost::json::value> parse_body(const std::string& text)
{
    if (text.empty())
        return boost::json::value();
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec)
        return make_error(errc::bad_request, "request body is not valid JSON: " + ec.message());
    return v;
}

awaitable<http::response> run_action(context& ctx, const std::string& kind,
                                     const runtime::action_route& route, http::request& req,
                                     const path_params& p, const verdict& v)
{
    const std::string& name = p.at("name");
    runtime::job* j = ctx.jobs ? ctx.jobs->find(name) : nullptr;
    if (!j || j->kind() != kind)
        co_return refuse(refusal::job_not_found, "no " + kind + " job named \"" + name + "\"");
    // A HEAD of a custody read would record a download nobody received.
    if (route.audit_read && req.method == "HEAD")
    {
        auto res = refuse(refusal::method_not_allowed, "HEAD is not allowed here; use GET");
        res.headers.set("Allow", "GET");
        co_return res;
    }
    if (const auto* unbuilt = j->body().setup_error())
        co_return error_response(make_error(errc::unavailable, unbuilt->describe()));
    auto body = parse_body(req.body);
    if (!body)
        co_return error_response(body.error());
    auto table = j->body().actions();
    auto fn = table.find(route.name);
    if (fn == table.end())
        co_return error_response(
            make_error(errc::conflict, "job \"" + name + "\" does not serve " + route.name));
    // The body and the job are only used before the action's first suspension (see job_body::actions).
    runtime::action_request request{std::move(*body), [j] { j->request_cycle(); }};
    request.params.insert(p.begin(), p.end());
    for (const auto& [k, val] : req.query)
        request.query.emplace(k, val);  // the first value wins
    request.caller = v.who ? v.who->name : "";
    auto reply = co_await fn->second(request);
    if (!reply)
        co_return error_response(reply.error());
    co_return http::response::json(route.accepted ? 202 : 200, std::move(*reply));
}

// GET /v1/<kind>/{name}/status, for every kind: the body's status (as in GET /v1/jobs/{name}) and the job
// name.
awaitable<http::response> kind_status(context& ctx, const std::string& kind, const path_params& p)
{
    const std::string& name = p.at("name");
    runtime::job* j = ctx.jobs ? ctx.jobs->find(name) : nullptr;
    if (!j || j->kind() != kind)
        co_return refuse(refusal::job_not_found, "no " + kind + " job named \"" + name + "\"");
    auto s = j->body().status();
    s["job"] = name;
    co_return http::response::json(200, std::move(s));
}

}  // namespace

void add_kind_routes(router& r, context& ctx)
{
    if (!ctx.kinds)
        return;
    for (const auto& kind : *ctx.kinds)
    {
        r.add({"GET", "/v1/" + kind.name + "/{name}/status", true,
               [&ctx, kind_name = kind.name](http::request&, const path_params& p) {
                   return kind_status(ctx, kind_name, p);
               }});
        for (const auto& action : kind.actions)
        {
            std::string kind_name = kind.name;
            route served{
                action.method,
                "/v1/" + kind.name + "/{name}/" + action.name,
                true,
                nullptr,
                action.needs,
                [&ctx, kind_name, &action](http::request& req, const path_params& p, const verdict& v) {
                    return run_action(ctx, kind_name, action, req, p, v);
                },
                action.follow};
            served.dry_run_needs = action.dry_run_needs;
            served.audit_read = action.audit_read;
            r.add(std::move(served));
        }
    }
}

}  // namespace vk::api
