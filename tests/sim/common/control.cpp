// The generic /_sim/ control API: latency, injected failures, dropped connections, counters, reset.
#include "common/server_impl.hpp"

#include <boost/json.hpp>

namespace simc {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Reads an unsigned field of a JSON object, or `fallback` when absent or not a number.
std::uint64_t uint_field(const json::object& obj, std::string_view name, std::uint64_t fallback)
{
    auto* v = obj.if_contains(name);
    if (!v)
        return fallback;
    if (v->is_uint64())
        return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0)
        return static_cast<std::uint64_t>(v->as_int64());
    return fallback;
}

std::string string_field(const json::object& obj, std::string_view name)
{
    auto* v = obj.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

response ok()
{
    return json_response(200, json::object{{"ok", true}});
}

// POST /_sim/fail {"method","path","status","count","skip","retry_after","body"}
response add_failure(fault_injector& faults, const json::object& obj)
{
    fail_rule rule;
    rule.method = string_field(obj, "method");
    rule.path_prefix = string_field(obj, "path");
    rule.status = static_cast<unsigned>(uint_field(obj, "status", 500));
    rule.remaining = uint_field(obj, "count", 1);
    rule.skip = uint_field(obj, "skip", 0);
    if (auto* ra = obj.if_contains("retry_after"))
        rule.retry_after = ra->is_string() ? std::string(ra->as_string()) : json::serialize(*ra);
    if (auto* body = obj.if_contains("body"); body && body->is_string())
        rule.body = std::string(body->as_string());
    if (rule.remaining == 0 || rule.status < 100 || rule.status > 599)
        return text_response(400, "count must be > 0 and status a valid HTTP status");
    faults.add_failure(std::move(rule));
    return ok();
}

json::object counters_json(const fault_injector& faults)
{
    json::object out;
    for (auto& [key, n] : faults.counters())
        out[key] = n;
    return out;
}

}  // namespace

asio::awaitable<response> server::impl::control(request& req)
{
    std::string method = req.method == "PUT" ? "POST" : req.method;
    if (auto it = control_routes.find({method, req.path}); it != control_routes.end())
        co_return co_await it->second(req);
    json::object body;
    if (method == "POST" && !req.body.empty())
    {
        auto parsed = parse_json(req.body);
        if (!parsed || !parsed->is_object())
            co_return text_response(400, "control body must be a JSON object");
        body = std::move(parsed->as_object());
    }
    if (req.path == "/_sim/latency" && method == "GET")
        co_return json_response(200, json::object{{"ms", faults.latency().count()}});
    if (req.path == "/_sim/latency" && method == "POST")
    {
        faults.set_latency(std::chrono::milliseconds(uint_field(body, "ms", 0)));
        co_return ok();
    }
    if (req.path == "/_sim/fail" && method == "POST")
        co_return add_failure(faults, body);
    if (req.path == "/_sim/drop" && method == "POST")
    {
        // "all": close every open connection now (except the one asking); "count": the next N requests.
        if (auto* all = body.if_contains("all"); all && all->is_bool() && all->as_bool())
            self->close_connections(req.connection);
        faults.drop_next(uint_field(body, "count", 0));
        co_return ok();
    }
    if (req.path == "/_sim/counters" && method == "GET")
        co_return json_response(200, counters_json(faults));
    if (req.path == "/_sim/reset" && method == "POST")
    {
        faults.reset();
        for (auto& hook : reset_hooks)
            hook();
        co_return ok();
    }
    co_return text_response(404, "unknown control route " + req.method + " " + req.path);
}

response server::impl::injected_failure(const fail_rule& rule) const
{
    response res;
    if (rule.body)
        res = text_response(rule.status, *rule.body);
    else if (options.fail_response)
        res = options.fail_response(rule.status);
    else
        res = text_response(rule.status, "simulated failure");
    res.status = rule.status;
    if (rule.retry_after)
        res.set("Retry-After", *rule.retry_after);
    return res;
}

}  // namespace simc
