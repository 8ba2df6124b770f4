// Helpers for the Consul client tests: a consul-sim child process and clients pointed at it.
#ifndef VAULTKEEPER_TESTS_IO_CONSUL_CONSUL_HELPERS_HPP
#define VAULTKEEPER_TESTS_IO_CONSUL_CONSUL_HELPERS_HPP

#include "async_test.hpp"
#include "consul/client.hpp"
#include "sim_process.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace vk::test {

inline vk::consul_config consul_cfg(const sim_process& sim, std::string token = {}, std::string dc = {})
{
    vk::consul_config c;
    c.name = "test";
    c.address = sim.address();
    if (!token.empty())
        c.token = vk::secret(std::move(token));
    c.datacenter = std::move(dc);
    c.request_timeout = std::chrono::seconds(5);
    return c;
}

// A client on the current executor; throws (fails the test) if it cannot be built.
inline boost::asio::awaitable<std::unique_ptr<consul::client>> make_consul(vk::consul_config cfg,
                                                                           consul::client_options opts = {})
{
    auto ex = co_await boost::asio::this_coro::executor;
    auto c = consul::client::create(ex, cfg, std::move(opts));
    if (!c)
        throw std::runtime_error("consul::client::create: " + c.error().describe());
    co_return std::move(*c);
}

// Requests the sim counted for a route key such as "GET /v1/kv" (0 when none).
inline std::int64_t sim_counter(const sim_process& sim, const std::string& route)
{
    auto r = sim.call("GET", "/_sim/counters");
    auto v = boost::json::parse(r.body);
    const auto* n = v.as_object().if_contains(route);
    return n ? n->to_number<std::int64_t>() : 0;
}

// Number of live sessions in the sim.
inline std::size_t sim_sessions(const sim_process& sim)
{
    auto v = boost::json::parse(sim.call("GET", "/_sim/consul/state").body);
    const auto& s = v.at("sessions");
    return s.is_array() ? s.as_array().size() : static_cast<std::size_t>(s.to_number<std::int64_t>());
}

// A txn op with the fields tests care about (the rest default).
inline vk::consul::txn_op op(vk::consul::kv_verb v, std::string key, std::string value = {},
                             std::uint64_t index = 0)
{
    vk::consul::txn_op o;
    o.verb = v;
    o.key = std::move(key);
    o.value = std::move(value);
    o.index = index;
    return o;
}

inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
}

}  // namespace vk::test

#endif
