// consul-sim's HTTP front: routing, common headers, ACL, query meta and blocking queries.
#include "consul_sim.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

#include "common/util.hpp"

namespace csim {

namespace asio = boost::asio;
using simc::text_response;

sim::sim(asio::io_context& ioc, options opts)
    : ioc_(ioc),
      opts_(std::move(opts))
{
}

asio::awaitable<simc::response> sim::handle(request& req)
{
    auto res = co_await route(req);
    // Every Consul answer carries these (the gzip wrapper adds Vary).
    res.set("X-Consul-Default-Acl-Policy", opts_.acl_token.empty() ? "allow" : "deny");
    res.set("Vary", "Accept-Encoding");
    co_return res;
}

namespace {

// Go's http.NotFound.
simc::response not_found()
{
    auto res = text_response(404, "404 page not found\n");
    res.set("X-Content-Type-Options", "nosniff");
    return res;
}

simc::response method_not_allowed(const std::string& method, std::string allow)
{
    auto res = text_response(405, "method " + method + " not allowed");
    res.set("Allow", std::move(allow));
    return res;
}

// The rest of the path after prefix ("/v1/kv/" + "a/b" -> "a/b").
bool strip(const std::string& path, std::string_view prefix, std::string& rest)
{
    if (!path.starts_with(prefix))
        return false;
    rest = path.substr(prefix.size());
    return true;
}

}  // namespace

asio::awaitable<simc::response> sim::route(request& req)
{
    const auto& m = req.method;
    std::string rest;
    // A request for another datacenter has nowhere to go: this sim is a single-DC cluster.
    if (auto* dc = req.param("dc"); dc && !dc->empty() && *dc != opts_.datacenter)
        co_return text_response(500, "No path to datacenter");
    if (strip(req.path, "/v1/kv/", rest) || (req.path == "/v1/kv" && (rest = "", true)))
    {
        if (m == "GET")
            co_return co_await kv_get(req, std::move(rest));
        if (m == "PUT")
            co_return kv_put(req, rest);
        if (m == "DELETE")
            co_return kv_delete(req, rest);
        co_return method_not_allowed(m, "GET,PUT,DELETE");
    }
    if (req.path == "/v1/txn")
        co_return m == "PUT" ? txn(req) : method_not_allowed(m, "PUT");
    if (strip(req.path, "/v1/session/", rest))
    {
        if (rest == "create")
            co_return m == "PUT" ? session_create(req) : method_not_allowed(m, "PUT");
        if (strip(req.path, "/v1/session/renew/", rest) || req.path == "/v1/session/renew")
            co_return m == "PUT" ? session_renew(req, rest) : method_not_allowed(m, "PUT");
        if (strip(req.path, "/v1/session/destroy/", rest) || req.path == "/v1/session/destroy")
            co_return m == "PUT" ? session_destroy(req, rest) : method_not_allowed(m, "PUT");
        for (std::string what : {"info", "node"})
            if (strip(req.path, "/v1/session/" + what + "/", rest) || req.path == "/v1/session/" + what)
            {
                if (m != "GET")
                    co_return method_not_allowed(m, "GET");
                co_return co_await session_read(req, what, rest);
            }
        if (rest == "list" && m != "GET")
            co_return method_not_allowed(m, "GET");
        if (rest == "list")
        {
            std::string what = "list", none;
            co_return co_await session_read(req, std::move(what), std::move(none));
        }
        co_return not_found();
    }
    if (req.path == "/v1/status/leader")
        co_return simc::json_response(200, boost::json::string(opts_.address + ":8300"));
    if (req.path == "/v1/status/peers")
        co_return simc::json_response(200, boost::json::array{boost::json::string(opts_.address + ":8300")});
    if (req.path == "/v1/agent/self")
    {
        if (auto denied = deny(req, "agent:read", opts_.node_name))
            co_return std::move(*denied);
        co_return agent_self();
    }
    co_return not_found();
}

std::string sim::token_of(const request& req) const
{
    // Consul's order: ?token, then X-Consul-Token, then Authorization: Bearer.
    if (auto* t = req.param("token"); t && !t->empty())
        return *t;
    if (auto h = req.header("X-Consul-Token"); !h.empty())
        return std::string(h);
    auto auth = req.header("Authorization");
    if (auth.size() > 7 && boost::beast::iequals(auth.substr(0, 7), "Bearer "))
        return std::string(auth.substr(7));
    return {};
}

std::optional<simc::response> sim::deny(const request& req, std::string_view permission,
                                        std::string_view resource) const
{
    if (opts_.acl_token.empty())
        return std::nullopt;
    auto token = token_of(req);
    if (token == opts_.acl_token)
        return std::nullopt;
    if (!token.empty())
        return text_response(403, "ACL not found");
    // No token: the anonymous token, which default-deny gives no permission at all.
    return text_response(403, "Permission denied: anonymous token lacks permission '" +
                                  std::string(permission) + "' on \"" + std::string(resource) + "\"");
}

bool sim::list_allowed(const request& req) const
{
    return opts_.acl_token.empty() || token_of(req) == opts_.acl_token;
}

void sim::add_meta(response& res, std::uint64_t index) const
{
    // Index 0 would make a client's next blocking query return at once forever: Consul sends 1 instead.
    res.set("X-Consul-Index", std::to_string(index == 0 ? 1 : index));
    res.set("X-Consul-Knownleader", "true");
    res.set("X-Consul-Lastcontact", "0");
}

std::variant<sim::query_opts, simc::response> sim::parse_query(const request& req)
{
    using namespace std::chrono;
    query_opts q;
    if (auto* index = req.param("index"))
    {
        auto [ptr, ec] = std::from_chars(index->data(), index->data() + index->size(), q.min_index);
        if (ec != std::errc{} || ptr != index->data() + index->size())
            return text_response(400, "Invalid index");
    }
    nanoseconds wait = minutes(5);
    if (auto* w = req.param("wait"))
    {
        auto parsed = simc::parse_go_duration(*w);
        if (!parsed)
            return text_response(400, "Invalid wait time");
        wait = std::min<nanoseconds>(*parsed, minutes(10));
    }
    // Consul adds up to wait/16 of jitter so that many watchers do not all return together.
    auto jitter = nanoseconds(wait.count() > 16 ? rng_() % (wait.count() / 16) : 0);
    q.deadline = clock::now() + duration_cast<clock::duration>(wait + jitter);
    return q;
}

asio::awaitable<simc::response> sim::blocking(const request& req, notifier& watch, std::string key, bool tree,
                                              std::function<std::pair<response, std::uint64_t>()> compute)
{
    auto parsed = parse_query(req);
    if (auto* bad = std::get_if<response>(&parsed))
        co_return std::move(*bad);
    auto q = std::get<query_opts>(parsed);
    for (;;)
    {
        auto [res, index] = compute();
        // Not blocking (no index), changed past the client's index, or out of time: answer now.
        if (q.min_index == 0 || index > q.min_index || clock::now() >= q.deadline)
        {
            add_meta(res, index);
            co_return std::move(res);
        }
        co_await watch.wait(key, tree, q.deadline);
    }
}

void sim::invalidate_session(const std::string& id)
{
    for (auto& key : state_.invalidate(id, state_.now()))
        kv_watch_.notify(key);
    session_watch_.notify_all();
}

void sim::start_session_reaper()
{
    // A coroutine that wakes every 100 ms to expire sessions (Consul's per-session timers are coarser).
    auto reaper = [this]() -> asio::awaitable<void> {
        asio::steady_timer timer(ioc_);
        for (;;)
        {
            timer.expires_after(std::chrono::milliseconds(100));
            auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec)
                co_return;
            for (auto& id : state_.sessions.expired(state_.now()))
                invalidate_session(id);
        }
    };
    asio::co_spawn(ioc_, reaper, asio::detached);
}

}  // namespace csim
