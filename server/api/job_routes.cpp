// GET /v1/jobs, GET /v1/jobs/{name}, POST .../trigger|halt|resume, GET .../cycles[/{id}].
#include "api/job_routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "api/error_status.hpp"
#include "api/json_views.hpp"
#include "runtime/job_set.hpp"

namespace vk::api {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

http::response no_such_job(const std::string& name)
{
    return refuse(refusal::job_not_found, "no job named \"" + name + "\"");
}

std::optional<vk::lock_view> lock_of(context& ctx, const runtime::job& j)
{
    return ctx.lock ? ctx.lock(j.name()) : std::nullopt;
}

// Runs fn(job) for the {name} job, or answers 404.
template <class Fn> awaitable<http::response> with_job(context& ctx, const path_params& p, Fn fn)
{
    const std::string& name = p.at("name");
    runtime::job* j = ctx.jobs->find(name);
    co_return j ? fn(*j) : no_such_job(name);
}

http::response control(runtime::job& j, runtime::control_result res, unsigned ok_status, context& ctx)
{
    if (!res.ok)
        return error_response(make_error(errc::conflict, res.message));
    return http::response::json(ok_status, job_summary_json(j, lock_of(ctx, j)));
}

// A caller limited to some jobs sees only those (as Consul's ACLs filter a catalog listing).
awaitable<http::response> list_jobs(context& ctx, const principal& who)
{
    json::array out;
    for (auto* j : ctx.jobs->all())
        if (who.may_touch(j->name()))
            out.push_back(job_summary_json(*j, lock_of(ctx, *j)));
    co_return http::response::json(200, json::object{{"jobs", std::move(out)}});
}

awaitable<http::response> list_cycles(context& ctx, const path_params& p)
{
    return with_job(ctx, p, [&](runtime::job& j) {
        json::array out;
        if (j.current())
            out.push_back(cycle_json(*j.current()));
        for (auto it = j.history().rbegin(); it != j.history().rend(); ++it)
            out.push_back(cycle_json(*it));
        return http::response::json(200, json::object{{"job", j.name()}, {"cycles", std::move(out)}});
    });
}

awaitable<http::response> get_cycle(context& ctx, const path_params& p)
{
    return with_job(ctx, p, [&](runtime::job& j) {
        const std::string& id_text = p.at("id");
        std::uint64_t id = 0;
        auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        if (ec != std::errc() || end != id_text.data() + id_text.size())
            return error_response(make_error(errc::bad_request, "cycle id must be a positive integer"));
        const runtime::cycle_record* r = j.find_cycle(id);
        if (!r)
            return refuse(refusal::cycle_not_found, "no cycle " + id_text + " in the last " +
                                                        std::to_string(runtime::job::history_size) +
                                                        " of job " + j.name());
        return http::response::json(200, cycle_json(*r));
    });
}

}  // namespace

void add_job_routes(router& r, context& ctx)
{
    r.add({"GET", "/v1/jobs", true, nullptr, std::nullopt,
           [&ctx](http::request&, const path_params&, const verdict& v) { return list_jobs(ctx, *v.who); }});
    r.add({"GET", "/v1/jobs/{name}", true, [&ctx](http::request&, const path_params& p) {
               return with_job(ctx, p, [&](runtime::job& j) {
                   return http::response::json(200, job_detail_json(j, lock_of(ctx, j)));
               });
           }});
    r.add({"POST", "/v1/jobs/{name}/trigger", true,
           [&ctx](http::request&, const path_params& p) {
               return with_job(ctx, p, [&](runtime::job& j) { return control(j, j.trigger(), 202, ctx); });
           },
           std::nullopt, nullptr, vk::follow_up::next_cycle});
    r.add({"POST", "/v1/jobs/{name}/halt", true, [&ctx](http::request&, const path_params& p) {
               return with_job(ctx, p, [&](runtime::job& j) { return control(j, j.halt(), 200, ctx); });
           }});
    r.add({"POST", "/v1/jobs/{name}/resume", true,
           [&ctx](http::request&, const path_params& p) {
               return with_job(ctx, p, [&](runtime::job& j) { return control(j, j.resume(), 200, ctx); });
           },
           std::nullopt, nullptr, vk::follow_up::next_cycle});
    r.add({"GET", "/v1/jobs/{name}/cycles", true,
           [&ctx](http::request&, const path_params& p) { return list_cycles(ctx, p); }});
    r.add({"GET", "/v1/jobs/{name}/cycles/{id}", true,
           [&ctx](http::request&, const path_params& p) { return get_cycle(ctx, p); }});
}

}  // namespace vk::api
