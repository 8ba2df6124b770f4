// consul::lock against consul-sim: acquire, contention, release on cancel, loss detection (the session gone,
// renewals failing until 3/4 of the TTL), lock-delay, renewal with a heartbeat, a silent holder seen as
// expiring.
#include "consul/lock.hpp"
#include "consul_helpers.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

namespace {
using namespace vk::consul;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using vk::test::eventually;
using vk::test::sim_process;

asio::awaitable<void> nothing()
{
    co_return;
}

// A lock's run() spawned with its own cancellation signal, with counters of its callbacks. `while_lost` is
// awaited by on_lost (what the lock guards winding down).
struct running_lock
{
    running_lock(client& c, lock_params p)
        : lk(c, std::move(p))
    {
    }

    void start(asio::any_io_executor ex)
    {
        auto on_acquired = [this] {
            ++acquired;
            last_acquired = std::chrono::steady_clock::now();
        };
        auto on_lost = [this] {
            ++lost;
            last_lost = std::chrono::steady_clock::now();
            return while_lost ? while_lost() : nothing();
        };
        asio::co_spawn(ex, lk.run(on_acquired, on_lost),
                       asio::bind_cancellation_slot(sig.slot(), [this](std::exception_ptr e) {
                           finished = true;
                           failed = bool(e);
                       }));
    }
    // Cancels run() and waits until it returned (release + destroy done).
    asio::awaitable<bool> stop()
    {
        sig.emit(asio::cancellation_type::terminal);
        co_return co_await eventually([this] { return finished; }, 10s);
    }

    lock lk;
    std::function<asio::awaitable<void>()> while_lost;
    asio::cancellation_signal sig;
    int acquired = 0;
    int lost = 0;
    bool finished = false;
    bool failed = false;
    std::chrono::steady_clock::time_point last_acquired, last_lost;
};

lock_params params(std::string value, std::chrono::milliseconds lock_delay = 0ms)
{
    lock_params p;
    p.key = "locks/job-a";
    p.value = std::move(value);
    p.ttl = 10s;
    p.lock_delay = lock_delay;
    p.retry_delay = 200ms;
    return p;
}

ASYNC_TEST(consul_lock, acquires_holds_and_releases_on_cancel)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto ex = co_await asio::this_coro::executor;
    running_lock a(*c, params("replica-a"));
    a.start(ex);
    EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
    EXPECT_TRUE(a.lk.held());
    EXPECT_EQ(a.lk.view().state, vk::lock_state::held);
    EXPECT_EQ(a.lk.view().holder, "replica-a");
    auto e = co_await c->get("locks/job-a");
    EXPECT_TRUE(e && e->value);
    if (e && e->value)
    {
        EXPECT_EQ(e->value->flags, lock_flag);
        EXPECT_EQ(vk::holder_in_lock_value(e->value->value), "replica-a");
        EXPECT_EQ(e->value->session, a.lk.session());
    }
    EXPECT_TRUE(co_await a.stop());
    EXPECT_FALSE(a.failed);
    EXPECT_EQ(a.lost, 0);  // cancellation calls no callback
    auto after = co_await c->get("locks/job-a");
    EXPECT_TRUE(after && after->value && after->value->session.empty());
    EXPECT_EQ(vk::test::sim_sessions(sim), 0u);
}

ASYNC_TEST(consul_lock, second_contender_waits_sees_the_holder_and_takes_over_after_release)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto ex = co_await asio::this_coro::executor;
    running_lock a(*c, params("replica-a"));
    running_lock b(*c, params("replica-b"));
    a.start(ex);
    EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
    b.start(ex);
    EXPECT_TRUE(co_await eventually([&] { return b.lk.view().holder == "replica-a"; }));
    EXPECT_EQ(b.lk.view().state, vk::lock_state::unheld);
    co_await vk::test::sleep_for(300ms);
    EXPECT_EQ(b.acquired, 0);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(co_await a.stop());
    // An explicit release starts no lock-delay: the blocked contender takes over at once.
    EXPECT_TRUE(co_await eventually([&] { return b.acquired == 1; }, 3s));
    EXPECT_LT(vk::test::elapsed_since(t0), 2s);
    EXPECT_EQ(b.lk.view().holder, "replica-b");
    EXPECT_TRUE(co_await b.stop());
}

ASYNC_TEST(consul_lock, session_destroyed_behind_its_back_is_a_loss_then_lock_delay_is_respected)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto ex = co_await asio::this_coro::executor;
    running_lock a(*c, params("replica-a", 2s));
    a.start(ex);
    EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
    std::string old_session = a.lk.session();
    auto t0 = std::chrono::steady_clock::now();
    co_await c->destroy_session(old_session);
    // Well within one TTL (10 s): the watch on the key sees the session gone.
    EXPECT_TRUE(co_await eventually([&] { return a.lost == 1; }, 10s));
    EXPECT_LT(a.last_lost - t0, 10s);
    EXPECT_FALSE(a.lk.held());
    // A new session asks again; Consul refuses during the 2 s lock-delay, the lock waits and retries.
    EXPECT_TRUE(co_await eventually([&] { return a.acquired == 2; }, 8s));
    EXPECT_GE(a.last_acquired - t0, 1900ms);
    EXPECT_NE(a.lk.session(), old_session);
    EXPECT_TRUE(co_await a.stop());
}

ASYNC_TEST(consul_lock, expired_session_is_a_loss)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto ex = co_await asio::this_coro::executor;
    running_lock a(*c, params("replica-a"));
    a.start(ex);
    EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
    sim.call("POST", "/_sim/consul/expire-sessions");
    EXPECT_TRUE(co_await eventually([&] { return a.lost == 1; }, 10s));
    EXPECT_TRUE(co_await eventually([&] { return a.acquired == 2; }, 5s));
    EXPECT_TRUE(co_await a.stop());
}

ASYNC_TEST(consul_lock, data_key_with_other_flags_is_never_taken)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto ex = co_await asio::this_coro::executor;
    co_await c->put("locks/job-a", "precious data");
    running_lock a(*c, params("replica-a"));
    a.start(ex);
    co_await vk::test::sleep_for(700ms);
    EXPECT_EQ(a.acquired, 0);
    EXPECT_TRUE(co_await a.stop());
    auto e = co_await c->get("locks/job-a");
    EXPECT_TRUE(e && e->value && e->value->value == "precious data");
}

// Renewal happens at TTL/2 (5 s): this test takes about 6 s.
TEST(consul_lock, renews_the_session_at_half_the_ttl)
{
    vk::test::run_async(
        []() -> asio::awaitable<void> {
            sim_process sim("consul-sim");
            auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
            auto ex = co_await asio::this_coro::executor;
            running_lock a(*c, params("replica-a"));
            a.start(ex);
            EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
            auto creates = vk::test::sim_counter(sim, "PUT /v1/session");
            EXPECT_EQ(creates, 1);
            auto before = co_await c->get("locks/job-a");
            co_await vk::test::sleep_for(5500ms);
            EXPECT_GE(vk::test::sim_counter(sim, "PUT /v1/session"), 2);
            EXPECT_EQ(a.lost, 0);
            EXPECT_TRUE(a.lk.held());
            // The renewal's heartbeat: the key changed (the waiting replicas see the holder alive).
            auto after = co_await c->get("locks/job-a");
            EXPECT_TRUE(before && before->value && after && after->value);
            if (before && before->value && after && after->value)
            {
                EXPECT_GT(after->value->modify_index, before->value->modify_index);
                EXPECT_NE(after->value->value, before->value->value);
                EXPECT_EQ(after->value->session, a.lk.session());
            }
            EXPECT_TRUE(co_await a.stop());
        },
        std::chrono::seconds(30));
}

// Fails every request of `a`'s session to `verb` (renew, destroy) from now on.
void fail_session_calls(const sim_process& sim, const std::string& verb, const std::string& session)
{
    sim.call("POST", "/_sim/fail",
             R"({"method":"PUT","path":"/v1/session/)" + verb + "/" + session +
                 R"(","status":500,"count":100000})");
}

// Renewals failing (Consul unreachable for this session) but the session alive: the lock counts as lost by
// 3/4 of the TTL after the last good renewal was sent (here: the session's creation), and what it guards
// winds down (on_lost) while the key is still ours; only then is the session destroyed and the key free.
TEST(consul_lock,
     failing_renewals_lose_the_lock_by_three_quarters_of_the_ttl_and_stop_before_the_key_is_freed)
{
    vk::test::run_async(
        []() -> asio::awaitable<void> {
            sim_process sim("consul-sim");
            auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
            auto ex = co_await asio::this_coro::executor;
            running_lock a(*c, params("replica-a"));
            running_lock b(*c, params("replica-b"));
            std::string key_session_after_winding_down = "unset";
            a.while_lost = [&]() -> asio::awaitable<void> {
                co_await vk::test::sleep_for(500ms);  // a slow cancellation
                auto e = co_await c->get("locks/job-a");
                key_session_after_winding_down = e && e->value ? e->value->session : "";
            };
            a.start(ex);
            EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
            auto acquired_at = std::chrono::steady_clock::now();
            std::string held_by = a.lk.session();
            fail_session_calls(sim, "renew", held_by);
            b.start(ex);
            EXPECT_TRUE(co_await eventually([&] { return a.lost == 1; }, 12s));
            // 7.5 s after the creation was sent, which preceded the acquisition.
            EXPECT_LT(a.last_lost - acquired_at, 7600ms);
            EXPECT_GT(a.last_lost - acquired_at, 6500ms);
            EXPECT_TRUE(co_await eventually([&] { return b.acquired == 1; }, 5s));
            EXPECT_EQ(key_session_after_winding_down, held_by);
            EXPECT_GE(b.last_acquired, a.last_lost + 500ms);
            EXPECT_TRUE(co_await b.stop());
            EXPECT_TRUE(co_await a.stop());
        },
        std::chrono::seconds(40));
}

// A holder that stopped renewing (dead, or cut off) leaves its session to expire: the replica waiting for the
// key sees it alive (holder named) until one TTL passed without a heartbeat, then as expiring, naming it.
TEST(consul_lock, a_holder_that_stops_renewing_is_seen_expiring_by_the_others)
{
    vk::test::run_async(
        []() -> asio::awaitable<void> {
            sim_process sim("consul-sim");
            auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
            auto ex = co_await asio::this_coro::executor;
            running_lock a(*c, params("replica-a"));
            running_lock b(*c, params("replica-b"));
            a.start(ex);
            EXPECT_TRUE(co_await eventually([&] { return a.acquired == 1; }));
            auto acquired_at = std::chrono::steady_clock::now();
            fail_session_calls(sim, "renew", a.lk.session());
            fail_session_calls(sim, "destroy", a.lk.session());  // as if a had died: its session lingers
            b.start(ex);
            EXPECT_TRUE(co_await eventually([&] { return b.lk.view().holder == "replica-a"; }));
            EXPECT_EQ(b.lk.view().state, vk::lock_state::unheld);
            EXPECT_TRUE(
                co_await eventually([&] { return b.lk.view().state == vk::lock_state::expiring; }, 12s));
            EXPECT_GE(std::chrono::steady_clock::now() - acquired_at, 9900ms);  // one TTL without a change
            EXPECT_EQ(b.lk.view().waiting_for, "replica-a");
            EXPECT_EQ(b.lk.view().holder, "");
            EXPECT_EQ(b.acquired, 0);
            EXPECT_TRUE(co_await b.stop());
            EXPECT_TRUE(co_await a.stop());
        },
        std::chrono::seconds(40));
}

}  // namespace
