// Test helpers for the Vault client: a vault-sim child process plus clients configured against its nodes.
#ifndef VAULTKEEPER_TESTS_IO_VAULT_VAULT_ENV_HPP
#define VAULTKEEPER_TESTS_IO_VAULT_VAULT_ENV_HPP

#include "async_test.hpp"
#include "sim_process.hpp"
#include "vault/client.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace vk::test {

inline constexpr const char* root_token = "root";

// A dev-mode vault-sim (root token "root", KV v2 at secret/) with `nodes` nodes.
inline std::unique_ptr<sim_process> dev_vault(unsigned nodes = 1, std::vector<std::string> extra = {})
{
    std::vector<std::string> args{"--dev-root-token", root_token, "--nodes", std::to_string(nodes)};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<sim_process>("vault-sim", args, nodes);
}

inline vault_config token_config(const sim_process& sim, unsigned node = 0, std::string token = root_token)
{
    vault_config cfg;
    cfg.name = "test";
    cfg.address = sim.address(node);
    cfg.auth.method = "token";
    cfg.auth.token = secret(std::move(token));
    cfg.request_timeout = std::chrono::seconds(10);
    return cfg;
}

// Builds a client; throws (failing the test) when the config is refused.
inline std::unique_ptr<vault::client> make_client(boost::asio::any_io_executor ex, const vault_config& cfg)
{
    auto c = vault::client::create(ex, cfg);
    if (!c)
        throw std::runtime_error("vault::client::create: " + c.error().describe());
    return std::move(*c);
}

// Creates the client and starts it (login + lookup); throws if start fails.
inline boost::asio::awaitable<std::unique_ptr<vault::client>> started_client(const vault_config& cfg)
{
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    auto s = co_await c->start();
    if (!s)
        throw std::runtime_error("vault::client::start: " + s.error().describe());
    co_return c;
}

// A raw authenticated request through the client (setup steps the typed API does not cover).
inline boost::asio::awaitable<vault::reply> raw(vault::client& c, std::string method, std::string path,
                                                boost::json::object body = {})
{
    vault::call req;
    req.method = std::move(method);
    req.path = std::move(path);
    if (!body.empty())
        req.body = boost::json::serialize(body);
    auto r = co_await c.send(req);
    if (!r)
        throw std::runtime_error("raw " + req.path + ": " + r.error().describe());
    co_return *r;
}

// Posts a /_sim/ control request to node 0; throws unless it answers 2xx.
inline void control(const sim_process& sim, const std::string& path, const std::string& body = "{}")
{
    auto r = sim.call("POST", path, body);
    if (r.status < 200 || r.status > 299)
        throw std::runtime_error("control " + path + " answered " + std::to_string(r.status) + ": " + r.body);
}

}  // namespace vk::test

#endif
