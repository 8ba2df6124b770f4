// Consul client against consul-sim with injected failures: 500 then success, 429 + Retry-After, dropped
// connections, slow answers past the deadline.
#include "consul_helpers.hpp"

namespace {
using namespace vk::consul;
using namespace std::chrono_literals;
using vk::errc;
using vk::test::sim_process;

ASYNC_TEST(consul_faults, get_is_retried_after_a_500)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("k", "v");
    sim.call("POST", "/_sim/fail", R"({"method":"GET","path":"/v1/kv/","status":500,"count":1})");
    auto r = co_await c->get("k");
    EXPECT_TRUE(r && r->value && r->value->value == "v");
    EXPECT_EQ(vk::test::sim_counter(sim, "GET /v1/kv"), 2);
}

ASYNC_TEST(consul_faults, persistent_500_is_server_error_with_the_text)
{
    sim_process sim("consul-sim");
    client_options o;
    o.retry.max_attempts = 2;
    o.retry.base_delay = 10ms;
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim), o);
    sim.call("POST", "/_sim/fail",
             R"({"method":"GET","path":"/v1/kv/","status":500,"count":5,"body":"No cluster leader"})");
    auto r = co_await c->get("k");
    EXPECT_TRUE(!r && r.error().code == errc::server_error);
    if (!r)
    {
        EXPECT_EQ(r.error().status, 500u);
        EXPECT_NE(r.error().message.find("No cluster leader"), std::string::npos);
    }
}

ASYNC_TEST(consul_faults, retry_after_of_a_429_is_honoured)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    sim.call("POST", "/_sim/fail",
             R"({"method":"GET","path":"/v1/kv/","status":429,"count":1,"retry_after":"1"})");
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await c->get("k");
    EXPECT_TRUE(r && !r->value);
    EXPECT_GE(vk::test::elapsed_since(t0), 900ms);
    // A transaction is never retried: the 429 comes back as rate_limited.
    sim.call("POST", "/_sim/fail",
             R"({"method":"PUT","path":"/v1/txn","status":429,"count":1,"retry_after":"1"})");
    std::vector<txn_op> ops{vk::test::op(kv_verb::set, "a", "1")};
    auto t = co_await c->txn(ops);
    EXPECT_TRUE(!t && t.error().code == errc::rate_limited);
}

ASYNC_TEST(consul_faults, dropped_connection_is_retried_for_reads_only)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("k", "v");
    sim.call("POST", "/_sim/drop", R"({"count":1})");
    auto r = co_await c->get("k");
    EXPECT_TRUE(r && r->value);
    // A cas write is sent once: a dropped connection is a transport error for the caller to judge.
    sim.call("POST", "/_sim/drop", R"({"count":1})");
    put_options o;
    o.cas = 0;
    auto w = co_await c->put("k2", "v", o);
    EXPECT_TRUE(!w && w.error().code == errc::transport_error);
}

ASYNC_TEST(consul_faults, slow_answer_past_the_deadline_is_a_timeout)
{
    sim_process sim("consul-sim");
    auto cfg = vk::test::consul_cfg(sim);
    cfg.request_timeout = 300ms;
    auto c = co_await vk::test::make_consul(cfg);
    sim.call("POST", "/_sim/latency", R"({"ms":2000})");
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await c->get("k");
    EXPECT_TRUE(!r && r.error().code == errc::timeout);
    EXPECT_LT(vk::test::elapsed_since(t0), 1500ms);
}

}  // namespace
