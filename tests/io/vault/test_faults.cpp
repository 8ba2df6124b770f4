// vault client under failures injected through vault-sim's /_sim/ API: sealed node, 5xx and 429 retries,
// dropped connections, slow answers past the deadline, and cancellation by the caller.
#include "vault/kv.hpp"
#include "vault/sys.hpp"
#include "vault_env.hpp"

#include "async/deadline.hpp"

#include <boost/json/parse.hpp>

namespace vk::test {
namespace {

using namespace vault;
using namespace std::chrono_literals;

boost::asio::awaitable<void> seed(client& c)
{
    boost::json::object v{{"k", "v"}};
    auto w = co_await kv2_write(c, "secret", "f/a", v);
    EXPECT_TRUE(w);
}

// How many requests vault-sim counted for a route key ("GET /v1/secret").
std::int64_t counted(const sim_process& sim, const std::string& key)
{
    auto r = sim.call("GET", "/_sim/counters");
    auto v = boost::json::parse(r.body);
    auto* n = v.as_object().if_contains(key);
    return n ? n->to_number<std::int64_t>() : 0;
}

ASYNC_TEST(vault_faults, sealed_node_is_errc_sealed)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    control(*sim, "/_sim/vault/seal", R"({"node":0})");
    auto r = co_await kv2_read(*c, "secret", "f/a");
    EXPECT_TRUE(!r && r.error().code == errc::sealed && r.error().status == 503);
    auto h = co_await sys_health(*c);
    EXPECT_TRUE(h && h->status == 503 && h->sealed);  // an answer, not an error
}

ASYNC_TEST(vault_faults, server_error_then_success_is_retried_for_reads)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    co_await seed(*c);
    control(*sim, "/_sim/reset");
    control(*sim, "/_sim/fail", R"({"method":"GET","path":"/v1/secret/data/f/a","status":500,"count":1})");
    auto r = co_await kv2_read(*c, "secret", "f/a");
    EXPECT_TRUE(r && r->data.at("k") == "v");
    EXPECT_EQ(counted(*sim, "GET /v1/secret"), 2);
    // A write is not retried: the 500 comes back as server_error.
    control(*sim, "/_sim/fail", R"({"method":"POST","path":"/v1/secret/data/f/a","status":500,"count":1})");
    boost::json::object v{{"k", "w"}};
    auto w = co_await kv2_write(*c, "secret", "f/a", v);
    EXPECT_TRUE(!w && w.error().code == errc::server_error && w.error().status == 500);
}

ASYNC_TEST(vault_faults, rate_limited_with_retry_after_is_waited_out)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    co_await seed(*c);
    control(*sim, "/_sim/fail",
            R"({"method":"GET","path":"/v1/secret/data/f/a","status":429,"count":1,"retry_after":"1"})");
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await kv2_read(*c, "secret", "f/a");
    EXPECT_TRUE(r);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);
    // More 429s than attempts: rate_limited.
    control(*sim, "/_sim/fail",
            R"({"method":"GET","path":"/v1/secret/data/f/a","status":429,"count":10,"retry_after":"0"})");
    auto limited = co_await kv2_read(*c, "secret", "f/a");
    EXPECT_TRUE(!limited && limited.error().code == errc::rate_limited);
}

ASYNC_TEST(vault_faults, dropped_connection_is_retried)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    co_await seed(*c);
    control(*sim, "/_sim/drop", R"({"count":1})");
    auto r = co_await kv2_read(*c, "secret", "f/a");
    EXPECT_TRUE(r && r->data.at("k") == "v");
}

ASYNC_TEST(vault_faults, slow_answer_past_the_deadline_is_timeout)
{
    auto sim = dev_vault();
    auto cfg = token_config(*sim);
    cfg.request_timeout = 300ms;
    auto c = co_await started_client(cfg);
    control(*sim, "/_sim/latency", R"({"ms":2000})");
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await kv2_read(*c, "secret", "f/a");
    EXPECT_TRUE(!r && r.error().code == errc::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
    control(*sim, "/_sim/latency", R"({"ms":0})");
    auto ok = co_await sys_seal_status(*c);  // the client is still usable
    EXPECT_TRUE(ok);
}

ASYNC_TEST(vault_faults, caller_cancellation_stops_the_request)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    control(*sim, "/_sim/latency", R"({"ms":3000})");
    auto t0 = std::chrono::steady_clock::now();
    // with_timeout cancels the read through its cancellation slot after 200 ms.
    auto r = co_await with_timeout(kv2_read(*c, "secret", "f/a"), 200ms);
    EXPECT_FALSE(r.has_value());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
    control(*sim, "/_sim/latency", R"({"ms":0})");
}

}  // namespace
}  // namespace vk::test
