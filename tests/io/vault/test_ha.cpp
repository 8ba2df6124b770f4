// vault client against a 3-node HA vault-sim: standby health, forwarded requests, a leader change in the
// middle of a request, and the raft snapshot's 307 from a standby followed to the active node.
#include "vault/kv.hpp"
#include "vault/raft.hpp"
#include "vault/sys.hpp"
#include "vault_env.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace vk::test {
namespace {

using namespace vault;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;

boost::asio::awaitable<bool> step_down_after(const sim_process& sim, std::chrono::milliseconds d)
{
    co_await sleep_for(d);
    control(sim, "/_sim/vault/step-down");
    co_return true;
}

boost::asio::awaitable<bool> read_value(client& c, std::string expected)
{
    auto r = co_await kv2_read(c, "secret", "ha/a");
    EXPECT_TRUE(r && r->data.at("k") == boost::json::value(expected)) << (r ? "" : r.error().describe());
    co_return static_cast<bool>(r);
}

ASYNC_TEST(vault_ha, standby_answers_and_forwards)
{
    auto sim = dev_vault(3);
    auto standby = co_await started_client(token_config(*sim, 1));
    auto h = co_await sys_health(*standby);
    EXPECT_TRUE(h && h->status == 429 && h->standby);
    auto ok = co_await sys_health(*standby, health_params{.standbyok = true});
    EXPECT_TRUE(ok && ok->status == 200);
    auto l = co_await sys_leader(*standby);
    EXPECT_TRUE(l && l->ha_enabled && !l->is_self && l->leader_address == sim->address(0));
    boost::json::object v{{"k", "one"}};
    EXPECT_TRUE(co_await kv2_write(*standby, "secret", "ha/a", v));
    EXPECT_TRUE(co_await read_value(*standby, "one"));
    auto cfg = co_await raft_config(*standby);
    EXPECT_TRUE(cfg && cfg->servers.size() == 3);
}

ASYNC_TEST(vault_ha, leader_change_mid_request)
{
    auto sim = dev_vault(3);
    auto c = co_await started_client(token_config(*sim, 0));
    boost::json::object v{{"k", "one"}};
    EXPECT_TRUE(co_await kv2_write(*c, "secret", "ha/a", v));
    control(*sim, "/_sim/latency", R"({"ms":400})");
    // The active node steps down while the read waits in the sim; the answer still arrives.
    auto [read, stepped] = co_await (read_value(*c, "one") && step_down_after(*sim, 100ms));
    EXPECT_TRUE(read && stepped);
    control(*sim, "/_sim/latency", R"({"ms":0})");
    auto l = co_await sys_leader(*c);
    EXPECT_TRUE(l && !l->is_self && l->leader_address == sim->address(1));
    boost::json::object v2{{"k", "two"}};
    EXPECT_TRUE(co_await kv2_write(*c, "secret", "ha/a", v2));  // forwarded by the new standby
    EXPECT_TRUE(co_await read_value(*c, "two"));
}

ASYNC_TEST(vault_ha, snapshot_from_a_standby_follows_the_redirect)
{
    auto sim = dev_vault(3);
    auto standby = co_await started_client(token_config(*sim, 2));
    std::string bytes;
    http::body_sink sink = [&bytes](std::string_view chunk) -> boost::asio::awaitable<result<void>> {
        bytes.append(chunk);
        co_return result<void>{};
    };
    auto n = co_await raft_snapshot(*standby, sink);
    EXPECT_TRUE(n && *n == bytes.size() && bytes.size() > 2);
    EXPECT_TRUE(bytes.size() > 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                static_cast<unsigned char>(bytes[1]) == 0x8b);  // gzip
}

}  // namespace
}  // namespace vk::test
