// Consul client, session endpoints: create, renew, destroy, info.
#include "consul/client_call.hpp"

#include "http/client.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace vk::consul {
namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<result<std::string>> client::create_session(session_params p)
{
    json::object body{{"LockDelay", go_millis(p.lock_delay)}, {"Behavior", p.behavior}};
    if (!p.name.empty())
        body["Name"] = p.name;
    if (p.ttl.count() > 0)
        body["TTL"] = std::to_string(p.ttl.count()) + "s";
    // Not idempotent: a retry after a lost answer would leave an orphan session behind.
    call c{"PUT", "/v1/session/create", {}, json::serialize(body), false, std::nullopt};
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (r->status < 200 || r->status >= 300)
        co_return map_error(r->status, r->body, "/v1/session/create");
    co_return decode_session_id(r->body);
}

asio::awaitable<result<session_info>> client::renew_session(std::string id)
{
    if (id.empty())
        co_return make_error(errc::invalid_argument, "empty session id");
    call c{"PUT", "/v1/session/renew/" + encode_query_value(id), {}, {}, true, std::nullopt};
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (r->status < 200 || r->status >= 300)
        co_return map_error(r->status, r->body, "/v1/session/renew");
    auto sessions = decode_sessions(r->body);
    if (!sessions)
        co_return sessions.error();
    // An empty answer is how older Consul versions say the session is gone.
    if (sessions->empty())
        co_return make_error(errc::not_found, "session not found", {}, "/v1/session/renew");
    co_return std::move(sessions->front());
}

asio::awaitable<result<void>> client::destroy_session(std::string id)
{
    if (id.empty())
        co_return make_error(errc::invalid_argument, "empty session id");
    call c{"PUT", "/v1/session/destroy/" + encode_query_value(id), {}, {}, true, std::nullopt};
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (r->status < 200 || r->status >= 300)
        co_return map_error(r->status, r->body, "/v1/session/destroy");
    co_return result<void>{};
}

asio::awaitable<result<std::optional<session_info>>> client::read_session(std::string id)
{
    if (id.empty())
        co_return make_error(errc::invalid_argument, "empty session id");
    call c{"GET", "/v1/session/info/" + encode_query_value(id), {}, {}, true, std::nullopt};
    auto r = co_await send(std::move(c));
    if (!r)
        co_return r.error();
    if (r->status < 200 || r->status >= 300)
        co_return map_error(r->status, r->body, "/v1/session/info");
    auto sessions = decode_sessions(r->body);
    if (!sessions)
        co_return sessions.error();
    if (sessions->empty())
        co_return std::optional<session_info>{};
    co_return std::optional<session_info>(std::move(sessions->front()));
}

}  // namespace vk::consul
