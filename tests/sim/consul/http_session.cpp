// /v1/session/*: create, renew, destroy, info, list, node.
#include <boost/json.hpp>

#include "common/util.hpp"
#include "consul_sim.hpp"
#include "json_fields.hpp"
#include "wire.hpp"

namespace csim {

namespace asio = boost::asio;
namespace json = boost::json;
using simc::text_response;

namespace {

std::string sessions_json(const std::vector<const session*>& list)
{
    std::string body = "[";
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        if (i)
            body += ',';
        append_session(body, *list[i]);
    }
    return body + "]";
}

// LockDelay: a Go duration string, or a number (< 1000: seconds, else nanoseconds) as Consul accepts.
bool parse_lock_delay(const json::value& v, std::chrono::nanoseconds& out)
{
    using namespace std::chrono;
    if (v.is_string())
    {
        auto d = simc::parse_go_duration(std::string(v.as_string()));
        if (d)
            out = *d;
        return d.has_value();
    }
    if (!v.is_number())
        return false;
    auto n = v.to_number<std::int64_t>();
    out = n < 1000 ? nanoseconds(seconds(n)) : nanoseconds(n);
    return true;
}

bool parse_checks(const json::value& v, std::vector<std::string>& out)
{
    out.clear();
    if (v.is_null())
        return true;
    if (!v.is_array())
        return false;
    for (auto& c : v.as_array())
    {
        if (!c.is_string())
            return false;
        out.emplace_back(c.as_string());
    }
    return true;
}

// Decodes the optional create body into s; an error text ("" when fine) for 400.
std::string decode_session(std::string_view body, session& s)
{
    if (body.empty())
        return {};
    auto doc = simc::parse_json(body);
    if (!doc || !doc->is_object())
        return "Request decode failed: invalid JSON body";
    auto& obj = doc->as_object();
    bool bad = false;
    s.name = string_field(obj, "Name", bad).value_or("");
    s.node = string_field(obj, "Node", bad).value_or("");
    s.behavior = string_field(obj, "Behavior", bad).value_or("release");
    s.ttl = string_field(obj, "TTL", bad).value_or("");
    if (auto* ld = field(obj, "LockDelay"); ld && !ld->is_null() && !parse_lock_delay(*ld, s.lock_delay))
        bad = true;
    for (auto name : {"Checks", "NodeChecks"})
        if (auto* c = field(obj, name); c && !parse_checks(*c, s.node_checks))
            bad = true;
    return bad ? "Request decode failed: a session field has the wrong type" : "";
}

// Server-side validation (session_endpoint.go); "" when valid, else the 500 text.
std::string validate_session(session& s, const std::string& our_node)
{
    using namespace std::chrono;
    if (s.behavior.empty())
        s.behavior = "release";
    if (s.behavior != "release" && s.behavior != "delete")
        return "Invalid Behavior setting '" + s.behavior + "'";
    if (s.node != our_node)
        return "Missing node registration";
    for (auto& check : s.node_checks)
        if (check != "serfHealth")
            return "Missing check '" + check + "' registration";
    if (s.ttl.empty())
        return {};
    auto ttl = simc::parse_go_duration(s.ttl);
    if (!ttl)
        return "Session TTL '" + s.ttl + "' invalid";
    if (ttl->count() != 0 && (*ttl < seconds(10) || *ttl > hours(24)))
        return "Invalid Session TTL '" + std::to_string(ttl->count()) + "', must be between [10s=24h0m0s]";
    s.ttl_duration = *ttl;
    return {};
}

}  // namespace

simc::response sim::session_create(request& req)
{
    if (auto denied = deny(req, "session:write", opts_.node_name))
        return std::move(*denied);
    session s;
    s.node = opts_.node_name;
    if (auto error = decode_session(req.body, s); !error.empty())
        return text_response(400, error);
    if (s.node.empty())
        s.node = opts_.node_name;
    if (auto error = validate_session(s, opts_.node_name); !error.empty())
        return text_response(500, error);
    auto& created = state_.sessions.create(state_.next_index(), std::move(s), state_.now());
    session_watch_.notify_all();
    std::string body = "{\"ID\":";
    append_json_string(body, created.id);
    return simc::json_text(body + "}");
}

simc::response sim::session_renew(request& req, const std::string& id)
{
    if (id.empty())
        return text_response(400, "Missing session");
    if (auto denied = deny(req, "session:write", opts_.node_name))
        return std::move(*denied);
    auto* s = state_.sessions.renew(id, state_.now());
    if (!s)
        return text_response(404, "Session id '" + id + "' not found");
    return simc::json_text(sessions_json({s}));
}

simc::response sim::session_destroy(request& req, const std::string& id)
{
    if (id.empty())
        return text_response(400, "Missing session");
    if (auto denied = deny(req, "session:write", opts_.node_name))
        return std::move(*denied);
    invalidate_session(id);
    return simc::json_text("true");
}

asio::awaitable<simc::response> sim::session_read(request& req, std::string what, std::string arg)
{
    if (what == "info" && arg.empty())
        co_return text_response(400, "Missing session");
    if (what == "node" && arg.empty())
        co_return text_response(400, "Missing node name");
    // Reads are filtered by ACL: the anonymous token sees no session.
    bool visible = list_allowed(req);
    // Named before the co_await: GCC 12 mis-destroys a temporary converted into a coroutine argument.
    std::function<std::pair<response, std::uint64_t>()> compute =
        [this, what, arg, visible]() -> std::pair<response, std::uint64_t> {
        std::vector<const session*> out;
        for (auto* s : state_.sessions.list())
            if (visible &&
                (what == "list" || (what == "info" && s->id == arg) || (what == "node" && s->node == arg)))
                out.push_back(s);
        return {simc::json_text(sessions_json(out)), state_.sessions.table_index()};
    };
    std::string whole_table;
    co_return co_await blocking(req, session_watch_, std::move(whole_table), true, std::move(compute));
}

}  // namespace csim
