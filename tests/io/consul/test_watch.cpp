// consul::watch against consul-sim: the first answer, changes of the key only, and a failed query that
// neither ends the watch nor loses a change made while it was failing. consul::watch_prefix: keys added,
// changed and removed under a prefix, and nothing for keys beside it.
#include "consul/watch.hpp"
#include "consul_helpers.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace {
using namespace vk::consul;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
namespace asio = boost::asio;
using vk::test::sim_process;

struct seen_change
{
    std::string value;  // "" = absent
    bool first = false;
};

ASYNC_TEST(consul_watch, reports_the_first_answer_then_each_change_of_the_key_only)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("w", "v1");
    std::vector<seen_change> seen;
    watch_handlers h;
    h.changed = [&](const std::optional<kv_entry>& e, bool first) {
        seen.push_back({e ? e->value : "", first});
    };
    h.failed = [&](const vk::error& e) { ADD_FAILURE() << e.describe(); };
    h.done = [&] { return seen.size() == 3; };
    auto writes = [&]() -> asio::awaitable<void> {
        co_await vk::test::sleep_for(200ms);
        co_await c->put("other", "x");  // moves Consul's index, not the key's
        co_await vk::test::sleep_for(200ms);
        co_await c->put("w", "v2");
        co_await vk::test::sleep_for(200ms);
        co_await c->remove("w");
    };
    watch_options o;
    o.wait = 10s;
    co_await (watch(*c, "w", o, h) && writes());
    EXPECT_EQ(seen.size(), 3u);
    if (seen.size() == 3)
    {
        EXPECT_EQ(seen[0].value, "v1");
        EXPECT_TRUE(seen[0].first);
        EXPECT_EQ(seen[1].value, "v2");
        EXPECT_FALSE(seen[1].first);
        EXPECT_EQ(seen[2].value, "");  // deleted
    }
}

ASYNC_TEST(consul_watch, a_failed_query_is_reported_and_a_change_made_meanwhile_is_not_lost)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("w", "v1");
    std::vector<std::string> seen;
    std::vector<std::string> failures;
    watch_handlers h;
    std::vector<bool> first;
    h.changed = [&](const std::optional<kv_entry>& e, bool f) {
        seen.push_back(e ? e->value : "");
        first.push_back(f);
    };
    h.failed = [&](const vk::error& e) {
        failures.push_back(e.describe());
        sim.call("PUT", "/v1/kv/w", "v3");  // while the watch pauses; its next query starts over at index 0
    };
    h.done = [&] { return seen.size() == 3; };
    auto writes = [&]() -> asio::awaitable<void> {
        co_await vk::test::sleep_for(200ms);  // the first answer is in, a blocking query waits
        // 403: not retried by the client, so the watch sees it. It hits the query after the next answer.
        sim.call("POST", "/_sim/fail", R"({"method":"GET","path":"/v1/kv/w","status":403,"count":1})");
        co_await c->put("w", "v2");
    };
    watch_options o;
    o.wait = 10s;
    o.retry = 50ms;
    co_await (watch(*c, "w", o, h) && writes());
    EXPECT_EQ(seen, (std::vector<std::string>{"v1", "v2", "v3"}));
    // Only the watch's very first answer is "first": the one after the failure is a change (the destination
    // ignores first answers, so a change made during an outage would otherwise wait for the next tick).
    EXPECT_EQ(first, (std::vector<bool>{true, false, false}));
    EXPECT_EQ(failures.size(), 1u);
}

ASYNC_TEST(consul_watch, a_prefix_watch_reports_keys_coming_changing_and_going_under_the_prefix_only)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("p/a", "1");
    std::vector<std::string> seen;  // each answer: "key=value,..." in key order
    prefix_watch_handlers h;
    h.changed = [&](const std::vector<kv_entry>& entries, bool) {
        std::string s;
        for (const auto& e : entries)
            s += e.key + "=" + e.value + ",";
        seen.push_back(s);
    };
    h.failed = [&](const vk::error& e) { ADD_FAILURE() << e.describe(); };
    h.done = [&] { return seen.size() == 4; };
    // Each write once the previous answer arrived. A key beside the prefix must not answer: had it, the
    // second answer would repeat the first.
    auto answers = [&](std::size_t n) {
        return vk::test::eventually([&seen, n] { return seen.size() >= n; });
    };
    auto writes = [&]() -> asio::awaitable<void> {
        EXPECT_TRUE(co_await answers(1));
        co_await c->put("px/other", "x");
        co_await c->put("p/b/deep", "2");
        EXPECT_TRUE(co_await answers(2));
        co_await c->put("p/a", "3");
        EXPECT_TRUE(co_await answers(3));
        co_await c->remove("p/a");
    };
    watch_options o;
    o.wait = 10s;
    co_await (watch_prefix(*c, "p/", o, h) && writes());
    EXPECT_EQ(seen,
              (std::vector<std::string>{"p/a=1,", "p/a=1,p/b/deep=2,", "p/a=3,p/b/deep=2,", "p/b/deep=2,"}));
}

}  // namespace
