// Consul client against consul-sim: blocking queries (change, wait expiry, cancellation), txn, sessions.
#include "consul_helpers.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

namespace {
using namespace vk::consul;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
namespace asio = boost::asio;
using vk::errc;
using vk::test::op;
using vk::test::sim_process;

ASYNC_TEST(consul_blocking, returns_on_change)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("w", "v1");
    auto first = co_await c->get("w");
    std::uint64_t idx = first ? first->index : 0;
    std::string seen;
    std::uint64_t seen_index = 0;
    auto watch = [&]() -> asio::awaitable<void> {
        query_options q{idx, 10s, false};  // named: g++ 12 miscompiles braced temporaries in co_await
        auto r = co_await c->get("w", q);
        if (r && r->value)
        {
            seen = r->value->value;
            seen_index = r->index;
        }
    };
    auto write = [&]() -> asio::awaitable<void> {
        co_await vk::test::sleep_for(200ms);
        co_await c->put("w", "v2");
    };
    auto t0 = std::chrono::steady_clock::now();
    co_await (watch() && write());
    EXPECT_EQ(seen, "v2");
    EXPECT_GT(seen_index, idx);
    EXPECT_LT(vk::test::elapsed_since(t0), 3s);
}

ASYNC_TEST(consul_blocking, returns_unchanged_when_the_wait_expires)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    co_await c->put("w", "v1");
    auto first = co_await c->get("w");
    std::uint64_t idx = first ? first->index : 0;
    auto t0 = std::chrono::steady_clock::now();
    query_options q{idx, 400ms, false};
    auto r = co_await c->get("w", q);
    auto took = vk::test::elapsed_since(t0);
    EXPECT_TRUE(r && r->value && r->value->value == "v1");
    EXPECT_TRUE(r && r->index == idx);
    EXPECT_GE(took, 380ms);
    EXPECT_LT(took, 2s);
}

ASYNC_TEST(consul_blocking, is_cancelled_through_the_callers_slot)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto first = co_await c->keys("p/");
    std::uint64_t idx = first ? first->index : 1;
    auto ex = co_await asio::this_coro::executor;
    asio::cancellation_signal sig;
    std::optional<vk::errc> outcome;
    auto watch = [&]() -> asio::awaitable<void> {
        query_options q{idx, 30s, false};
        auto r = co_await asio::co_spawn(ex, c->get_recurse("p/", q),
                                         asio::bind_cancellation_slot(sig.slot(), asio::use_awaitable));
        outcome = r ? vk::errc::ok : r.error().code;
    };
    auto cancel = [&]() -> asio::awaitable<void> {
        co_await vk::test::sleep_for(200ms);
        sig.emit(asio::cancellation_type::terminal);
    };
    auto t0 = std::chrono::steady_clock::now();
    co_await (watch() && cancel());
    EXPECT_EQ(outcome, vk::errc::cancelled);
    EXPECT_LT(vk::test::elapsed_since(t0), 2s);
}

ASYNC_TEST(consul_txn_io, commits_all_or_nothing_and_decodes_the_409)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    std::vector<txn_op> ok_ops{op(kv_verb::set, "t/a", "1"), op(kv_verb::set, "t/b", "2"),
                               op(kv_verb::get, "t/a")};
    auto ok = co_await c->txn(ok_ops);
    EXPECT_TRUE(ok && ok->committed);
    if (ok && ok->results.size() == 3)
    {
        EXPECT_EQ(ok->results[2].value, "1");
    }
    else
    {
        ADD_FAILURE() << "expected 3 results";
    }
    std::vector<txn_op> bad{op(kv_verb::set, "t/c", "3"), op(kv_verb::cas, "t/a", "x", 999999),
                            op(kv_verb::check_not_exists, "t/b")};
    auto rb = co_await c->txn(bad);
    EXPECT_TRUE(rb && !rb->committed);
    if (rb)
    {
        EXPECT_EQ(rb->errors.size(), 2u);
        if (rb->errors.size() == 2)
        {
            EXPECT_EQ(rb->errors[0].op_index, 1u);
            EXPECT_NE(rb->errors[0].what.find("t/a"), std::string::npos);
            EXPECT_EQ(rb->errors[1].op_index, 2u);
        }
    }
    auto c_key = co_await c->get("t/c");
    EXPECT_TRUE(c_key && !c_key->value);  // rolled back
}

ASYNC_TEST(consul_txn_io, more_ops_than_the_limit_are_refused_without_sending)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    EXPECT_EQ(c->max_txn_ops(), 64u);
    std::vector<txn_op> ops(65, op(kv_verb::get, "k"));
    auto r = co_await c->txn(ops);
    EXPECT_TRUE(!r && r.error().code == errc::invalid_argument);
    EXPECT_EQ(vk::test::sim_counter(sim, "PUT /v1/txn"), 0);
}

ASYNC_TEST(consul_session, create_read_renew_destroy)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    session_params p{"test session", 10s, 3s, "release"};
    auto id = co_await c->create_session(p);
    EXPECT_TRUE(id && !id->empty());
    if (!id)
        co_return;
    auto info = co_await c->read_session(*id);
    EXPECT_TRUE(info && *info);
    if (info && *info)
    {
        EXPECT_EQ((*info)->name, "test session");
        EXPECT_EQ((*info)->lock_delay, 3s);
        EXPECT_EQ((*info)->behavior, "release");
    }
    auto renewed = co_await c->renew_session(*id);
    EXPECT_TRUE(renewed && renewed->id == *id);
    auto destroyed = co_await c->destroy_session(*id);
    EXPECT_TRUE(destroyed);
    auto after = co_await c->read_session(*id);
    EXPECT_TRUE(after && !*after);
    auto renew_gone = co_await c->renew_session(*id);
    EXPECT_TRUE(!renew_gone && renew_gone.error().code == errc::not_found);
    auto again = co_await c->destroy_session(*id);  // idempotent
    EXPECT_TRUE(again);
}

ASYNC_TEST(consul_session, acquire_and_release_with_a_session)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    session_params pa{"a", 10s, 0ms, "release"};
    session_params pb{"b", 10s, 0ms, "release"};
    auto s1 = co_await c->create_session(pa);
    auto s2 = co_await c->create_session(pb);
    EXPECT_TRUE(s1 && s2);
    if (!s1 || !s2)
        co_return;
    put_options a1;
    a1.acquire = *s1;
    put_options a2;
    a2.acquire = *s2;
    auto got1 = co_await c->put("lk", "one", a1);
    auto got2 = co_await c->put("lk", "two", a2);
    EXPECT_TRUE(got1 && *got1);
    EXPECT_TRUE(got2 && !*got2);
    auto held = co_await c->get("lk");
    EXPECT_TRUE(held && held->value && held->value->session == *s1 && held->value->lock_index == 1);
    put_options r1;
    r1.release = *s1;
    auto rel = co_await c->put("lk", "one", r1);
    EXPECT_TRUE(rel && *rel);
    put_options unknown;
    unknown.acquire = "no-such-session";
    auto bad = co_await c->put("lk", "x", unknown);
    EXPECT_TRUE(!bad && bad.error().code == errc::server_error);
    co_await c->destroy_session(*s1);
    co_await c->destroy_session(*s2);
}

}  // namespace
