// consul::lock against consul-sim: acquire, contention, release on cancel, loss detection, lock-delay,
// renewal.
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

// A lock's run() spawned with its own cancellation signal, with counters of its callbacks.
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
    EXPECT_EQ(a.lk.holder(), "replica-a");
    auto e = co_await c->get("locks/job-a");
    EXPECT_TRUE(e && e->value);
    if (e && e->value)
    {
        EXPECT_EQ(e->value->flags, lock_flag);
        EXPECT_EQ(e->value->value, "replica-a");
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
    EXPECT_TRUE(co_await eventually([&] { return b.lk.holder() == "replica-a"; }));
    co_await vk::test::sleep_for(300ms);
    EXPECT_EQ(b.acquired, 0);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(co_await a.stop());
    // An explicit release starts no lock-delay: the blocked contender takes over at once.
    EXPECT_TRUE(co_await eventually([&] { return b.acquired == 1; }, 3s));
    EXPECT_LT(vk::test::elapsed_since(t0), 2s);
    EXPECT_EQ(b.lk.holder(), "replica-b");
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
            co_await vk::test::sleep_for(5500ms);
            EXPECT_GE(vk::test::sim_counter(sim, "PUT /v1/session"), 2);
            EXPECT_EQ(a.lost, 0);
            EXPECT_TRUE(a.lk.held());
            EXPECT_TRUE(co_await a.stop());
        },
        std::chrono::seconds(30));
}

}  // namespace
