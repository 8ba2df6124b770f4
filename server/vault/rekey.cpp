// sys/rekey/* operations (see rekey.hpp).
#include "vault/rekey.hpp"
#include "vault/model/decode.hpp"
#include "vault/ops_util.hpp"

#include <boost/json/object.hpp>

namespace vk::vault {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::fetch;
using detail::to_json;

namespace {

call rekey_call(std::string method, std::string path, std::string body = {})
{
    call req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.body = std::move(body);
    req.authenticated = false;
    if (req.method != "GET")
        req.idempotent = false;  // shares and nonces are one-shot
    return req;
}

}  // namespace

asio::awaitable<result<rekey_status>> rekey_init(client& c, const rekey_params& p)
{
    json::object body{{"secret_shares", p.secret_shares},
                      {"secret_threshold", p.secret_threshold},
                      {"require_verification", p.require_verification}};
    if (!p.pgp_keys.empty())
        body["pgp_keys"] = json::value_from(p.pgp_keys);
    auto req = rekey_call("PUT", "sys/rekey/init", to_json(body));
    co_return co_await fetch(c, req, &decode_rekey_status);
}

asio::awaitable<result<rekey_status>> rekey_progress(client& c)
{
    auto req = rekey_call("GET", "sys/rekey/init");
    co_return co_await fetch(c, req, &decode_rekey_status);
}

asio::awaitable<result<rekey_update_result>> rekey_update(client& c, const secret& key,
                                                          std::string_view nonce)
{
    auto req =
        rekey_call("PUT", "sys/rekey/update", to_json(json::object{{"key", key.reveal()}, {"nonce", nonce}}));
    co_return co_await fetch(c, req, &decode_rekey_update);
}

asio::awaitable<result<void>> rekey_cancel(client& c, std::string_view nonce)
{
    auto req = rekey_call("DELETE", "sys/rekey/init", to_json(json::object{{"nonce", nonce}}));
    req.idempotent = true;  // cancelling twice is harmless
    co_return co_await detail::run(c, req);
}

asio::awaitable<result<rekey_verify_status>> rekey_verify_progress(client& c)
{
    auto req = rekey_call("GET", "sys/rekey/verify");
    co_return co_await fetch(c, req, &decode_rekey_verify);
}

asio::awaitable<result<rekey_verify_status>> rekey_verify(client& c, const secret& new_key,
                                                          std::string_view verification_nonce)
{
    auto body = to_json(json::object{{"key", new_key.reveal()}, {"nonce", verification_nonce}});
    auto req = rekey_call("PUT", "sys/rekey/verify", std::move(body));
    co_return co_await fetch(c, req, &decode_rekey_verify);
}

asio::awaitable<result<rekey_verify_status>> rekey_verify_restart(client& c)
{
    auto req = rekey_call("DELETE", "sys/rekey/verify");
    co_return co_await fetch(c, req, &decode_rekey_verify);
}

}  // namespace vk::vault
