// Raft snapshot/restore streaming and configuration (see raft.hpp).
#include "vault/raft.hpp"
#include "vault/model/decode.hpp"
#include "vault/ops_util.hpp"

namespace vk::vault {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<result<std::uint64_t>> raft_snapshot(client& c, http::body_sink sink,
                                                     std::chrono::milliseconds timeout)
{
    std::uint64_t total = 0;
    call req;
    req.path = "sys/storage/raft/snapshot";
    req.idempotent = false;
    req.timeout = timeout;
    // Count what passes; a plain (non-coroutine) wrapper so nothing outlives this frame.
    req.download = [&total, &sink](std::string_view chunk) {
        total += chunk.size();
        return sink(chunk);
    };
    auto r = co_await c.perform(req);
    if (!r)
        co_return r.error();
    co_return total;
}

asio::awaitable<result<void>> raft_restore(client& c, http::body_source source, bool force,
                                           std::chrono::milliseconds timeout)
{
    call req;
    req.method = "POST";
    req.path = force ? "sys/storage/raft/snapshot-force" : "sys/storage/raft/snapshot";
    req.content_type = "application/octet-stream";
    req.upload = std::move(source);
    req.idempotent = false;
    req.timeout = timeout;
    co_return co_await detail::run(c, req);
}

asio::awaitable<result<raft_configuration>> raft_config(client& c)
{
    call req;
    req.path = "sys/storage/raft/configuration";
    co_return co_await detail::fetch(c, req, &decode_raft_configuration);
}

asio::awaitable<result<std::vector<ha_node>>> ha_status(client& c)
{
    call req;
    req.path = "sys/ha-status";
    co_return co_await detail::fetch(c, req, &decode_ha_status);
}

asio::awaitable<result<void>> raft_join(client& c, const std::string& leader_api_addr,
                                        const std::string& leader_ca_cert)
{
    call req;
    req.method = "POST";
    req.path = "sys/storage/raft/join";
    req.authenticated = false;
    json::object body{{"leader_api_addr", leader_api_addr}};
    if (!leader_ca_cert.empty())
        body["leader_ca_cert"] = leader_ca_cert;
    req.body = detail::to_json(body);
    auto joined = co_await detail::fetch(c, req, &decode_raft_join);
    if (!joined)
        co_return joined.error();
    if (!*joined)
        co_return make_error(errc::bad_response, "Vault answered joined: false", c.endpoint(), req.path);
    co_return result<void>();
}

}  // namespace vk::vault
