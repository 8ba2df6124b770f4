// Kind actions as routes: /v1/<kind>/{name}/<action>. A job of another kind answers 404, like a missing job,
// so a typo in the kind never acts on the wrong job.
#include "api/kind_routes.hpp"

#include <boost/json.hpp>

#include "runtime/job_set.hpp"

namespace vk::api {
using boost::asio::awaitable;

namespace {

awaitable<http::response> run_action(context& ctx, const std::string& kind, const runtime::kind_action& action,
                                     const path_params& p)
{
    const std::string& name = p.at("name");
    runtime::job* j = ctx.jobs ? ctx.jobs->find(name) : nullptr;
    if (!j || j->kind() != kind)
        co_return http::response::error(404, "job_not_found", "no " + kind + " job named \"" + name + "\"");
    // The body and the job are only used before the action's first suspension (see kind_action).
    std::function<void()> request = [j] { j->request_cycle(); };
    auto reply = co_await action.run(j->body(), request);
    co_return http::response::json(reply.status, std::move(reply.body));
}

}  // namespace

void add_kind_routes(router& r, context& ctx)
{
    if (!ctx.kinds)
        return;
    for (const auto& kind : *ctx.kinds)
        for (const auto& action : kind.actions)
        {
            std::string kind_name = kind.name;
            r.add({action.method, "/v1/" + kind.name + "/{name}/" + action.name, true,
                   [&ctx, kind_name, &action](http::request&, const path_params& p) {
                       return run_action(ctx, kind_name, action, p);
                   }});
        }
}

}  // namespace vk::api
