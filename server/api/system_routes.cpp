// GET /v1/health, GET /v1/ready, GET /metrics, GET /v1/whoami, GET|PUT /v1/log-level, GET /v1/ha.
#include "api/system_routes.hpp"

#include <boost/json.hpp>

#include "api/error_status.hpp"
#include "core/log.hpp"
#include "metrics/registry.hpp"

namespace vk::api {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

awaitable<http::response> health()
{
    co_return http::response::json(200, json::object{{"status", "ok"}, {"version", VK_VERSION}});
}

awaitable<http::response> ready(context& ctx)
{
    bool r = ctx.ready && ctx.ready();
    co_return http::response::json(r ? 200 : 503, json::object{{"ready", r}});
}

awaitable<http::response> metrics(context& ctx)
{
    http::response res = http::response::text(200, ctx.metrics->serialize());
    res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    co_return res;
}

awaitable<http::response> get_log_level()
{
    co_return http::response::json(200, json::object{{"level", log::current_level()}});
}

awaitable<http::response> put_log_level(http::request& req)
{
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    const json::object* o = ec ? nullptr : body.if_object();
    const json::value* level = o ? o->if_contains("level") : nullptr;
    if (!level || !level->is_string())
        co_return error_response(
            make_error(errc::bad_request, "body must be {\"level\": \"trace|debug|info|warn|error\"}"));
    if (o->size() != 1)
        co_return error_response(make_error(errc::bad_request, "only the field \"level\" is accepted"));
    if (!log::set_level(level->get_string()))
        co_return error_response(
            make_error(errc::bad_request, "level must be one of trace, debug, info, warn, error"));
    log::warn("log level changed through the API", {{"level", log::current_level()}});
    co_return http::response::json(200, json::object{{"level", log::current_level()}});
}

// GET /v1/whoami: the caller's name, scopes and job globs (never the token), and how it was identified.
awaitable<http::response> whoami(const principal& who, credential via)
{
    boost::json::array scopes, jobs;
    for (const auto& s : who.scopes.names())
        scopes.emplace_back(s);
    for (const auto& g : who.jobs)
        jobs.emplace_back(g);
    co_return http::response::json(200, boost::json::object{{"name", who.name},
                                                            {"scopes", std::move(scopes)},
                                                            {"jobs", std::move(jobs)},
                                                            {"credential", to_string(via)}});
}

// GET /v1/ha: this replica, where the locks are, and the live replicas with the jobs each holds.
awaitable<http::response> replicas(context& ctx)
{
    auto v = ctx.replicas ? ctx.replicas() : std::nullopt;
    if (!v)
        co_return http::response::json(200, json::object{{"enabled", false}});
    json::object out{{"enabled", true},   {"replica_id", v->replica_id},
                     {"locks", v->locks}, {"balance", v->balance},
                     {"jobs", v->jobs},   {"replicas", nullptr}};
    if (v->replicas)
    {
        json::array list;
        for (const auto& [id, held] : *v->replicas)
            list.push_back(json::object{{"id", id}, {"jobs", held}, {"self", id == v->replica_id}});
        out["replicas"] = std::move(list);
    }
    co_return http::response::json(200, std::move(out));
}

}  // namespace

void add_system_routes(router& r, context& ctx)
{
    r.add({"GET", "/v1/health", false, [](http::request&, const path_params&) { return health(); }});
    r.add({"GET", "/v1/ready", false, [&ctx](http::request&, const path_params&) { return ready(ctx); }});
    r.add({"GET", "/metrics", false, [&ctx](http::request&, const path_params&) { return metrics(ctx); }});
    r.add({"GET", "/v1/whoami", true, nullptr, std::nullopt,
           [](http::request&, const path_params&, const verdict& v) { return whoami(*v.who, v.via); },
           vk::follow_up::none, true});
    r.add({"GET", "/v1/ha", true, [&ctx](http::request&, const path_params&) { return replicas(ctx); }});
    r.add({"GET", "/v1/log-level", true, [](http::request&, const path_params&) { return get_log_level(); }});
    r.add({"PUT", "/v1/log-level", true,
           [](http::request& req, const path_params&) { return put_log_level(req); }});
}

}  // namespace vk::api
