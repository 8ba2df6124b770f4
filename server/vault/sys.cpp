// sys/* operations (see sys.hpp).
#include "vault/sys.hpp"
#include "vault/errors.hpp"
#include "vault/model/decode.hpp"
#include "vault/ops_util.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace vk::vault {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::fetch;
using detail::to_json;

asio::awaitable<result<health>> sys_health(client& c, health_params p)
{
    call req;
    req.path = "sys/health";
    req.authenticated = false;
    req.idempotent = false;  // 429/503 are answers here: no retry loop on them
    if (p.standbyok)
        req.query += "standbyok=true";
    if (p.perfstandbyok)
        req.query += std::string(req.query.empty() ? "" : "&") + "perfstandbyok=true";
    auto r = co_await c.send(req);
    if (!r)
        co_return r.error();
    static constexpr unsigned answers[] = {200, 429, 472, 473, 474, 501, 503, 530};
    if (std::find(std::begin(answers), std::end(answers), r->status) == std::end(answers))
        co_return reply_error(r->status, r->body, c.endpoint(), req.path);
    auto h = decode_health(r->status, r->body);
    if (!h)
        co_return c.located(h.error(), req.path);
    co_return std::move(*h);
}

asio::awaitable<result<seal_status>> sys_seal_status(client& c)
{
    call req;
    req.path = "sys/seal-status";
    req.authenticated = false;
    co_return co_await fetch(c, req, &decode_seal_status);
}

asio::awaitable<result<init_result>> sys_init(client& c, unsigned secret_shares, unsigned secret_threshold,
                                              const std::vector<std::string>& pgp_keys)
{
    call req;
    req.method = "PUT";
    req.path = "sys/init";
    req.authenticated = false;
    req.idempotent = false;  // a retried init would fail with "already initialized" and lose the keys
    json::object body{{"secret_shares", secret_shares}, {"secret_threshold", secret_threshold}};
    if (!pgp_keys.empty())
        body["pgp_keys"] = json::value_from(pgp_keys);
    req.body = to_json(body);
    co_return co_await fetch(c, req, &decode_init);
}

asio::awaitable<result<seal_status>> sys_unseal(client& c, const secret& key)
{
    call req;
    req.method = "PUT";
    req.path = "sys/unseal";
    req.authenticated = false;
    req.body = to_json(json::object{{"key", key.reveal()}});
    co_return co_await fetch(c, req, &decode_seal_status);
}

asio::awaitable<result<seal_status>> sys_unseal_reset(client& c)
{
    call req;
    req.method = "PUT";
    req.path = "sys/unseal";
    req.authenticated = false;
    req.body = R"({"reset":true})";
    co_return co_await fetch(c, req, &decode_seal_status);
}

asio::awaitable<result<leader>> sys_leader(client& c)
{
    call req;
    req.path = "sys/leader";
    req.authenticated = false;
    co_return co_await fetch(c, req, &decode_leader);
}

asio::awaitable<result<std::vector<mount>>> sys_mounts(client& c)
{
    call req;
    req.path = "sys/mounts";
    co_return co_await fetch(c, req, &decode_mounts);
}

asio::awaitable<result<std::map<std::string, std::vector<std::string>>>>
capabilities_self(client& c, const std::vector<std::string>& paths)
{
    call req;
    req.method = "POST";
    req.path = "sys/capabilities-self";
    req.idempotent = true;  // a read in POST clothing
    json::array arr;
    for (const auto& p : paths)
        arr.emplace_back(p);
    req.body = to_json(json::object{{"paths", std::move(arr)}});
    auto r = co_await c.perform(req);
    if (!r)
        co_return r.error();
    auto caps = decode_capabilities(r->body, paths);
    if (!caps)
        co_return c.located(caps.error(), req.path);
    co_return std::move(*caps);
}

bool allows(const std::vector<std::string>& caps, std::string_view capability) noexcept
{
    auto has = [&](std::string_view x) { return std::find(caps.begin(), caps.end(), x) != caps.end(); };
    if (has("deny"))
        return false;
    return has("root") || has(capability);
}

}  // namespace vk::vault
