// The Lease lock against an in-memory API server that enforces resourceVersion like the real one: two
// replicas, one holds; a graceful stop hands the Lease over at once; a replica cut off from the API server
// stops leading at renew_deadline, before the other may take the Lease over (after lease_duration on its own
// clock): never two holders at once; a closed balancing gate keeps a replica off a free Lease.
#include "async_test.hpp"
#include "kubernetes/lease_lock.hpp"
#include "kubernetes/model/lease_wire.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace vk::kubernetes {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// One Lease, compare-and-swap on resourceVersion; identities in `down` cannot reach it.
struct fake_api
{
    std::optional<lease_read> lease;
    int version = 0;
    std::set<std::string> down;
    std::vector<std::string> written;  // the holderIdentity of every accepted write, in order

    http::response answer_with(unsigned status, const std::string& body = "{}")
    {
        http::response r;
        r.status = status;
        r.body = body;
        return r;
    }

    http::response stored(unsigned status)
    {
        return answer_with(
            status, encode_lease("l", "ns",
                                 {election_step::what::update, *lease->spec, lease->resource_version, ""}));
    }

    asio::awaitable<result<http::response>> answer(std::string who, std::string method, std::string target,
                                                   std::string body)
    {
        if (down.contains(who))
            co_return make_error(errc::transport_error, "connection refused");
        if (method == "GET")
            co_return lease ? stored(200) : answer_with(404);
        auto sent = decode_lease(body);
        if (!sent)
            co_return answer_with(400);
        if (method == "POST" && lease)
            co_return answer_with(409);
        if (method == "PUT" && (!lease || (!sent->resource_version.empty() &&
                                           sent->resource_version != lease->resource_version)))
            co_return answer_with(lease ? 409 : 404);
        lease = lease_read{sent->spec, std::to_string(++version)};
        written.push_back(sent->spec->holder);
        co_return stored(method == "POST" ? 201 : 200);
    }

    api_send as(const std::string& who)
    {
        return [this, who](std::string m, std::string t, std::string b) {
            return answer(who, std::move(m), std::move(t), std::move(b));
        };
    }
};

struct replica
{
    replica(fake_api& api, const std::string& name)
        : lock(api.as(name), {"ns", "l", {name, 1500ms, 1000ms, 200ms}})
    {
    }
    lease_lock lock;
    asio::cancellation_signal stop;
    bool running = false;
    std::optional<steady::time_point> acquired, lost;

    void start(const asio::any_io_executor& ex)
    {
        running = true;
        auto on_acquired = [this] { acquired = steady::now(); };
        auto on_lost = [this]() -> asio::awaitable<void> {
            lost = steady::now();
            co_return;
        };
        asio::co_spawn(
            ex, lock.run(on_acquired, on_lost),
            asio::bind_cancellation_slot(stop.slot(), [this](std::exception_ptr) { running = false; }));
    }
};

asio::awaitable<bool> until(const std::function<bool()>& condition, steady::duration limit)
{
    for (auto end = steady::now() + limit; !condition(); co_await test::sleep_for(10ms))
        if (steady::now() > end)
            co_return false;
    co_return true;
}

// alice takes the Lease, then bob starts trying; both running when this returns.
asio::awaitable<void> alice_then_bob(replica& alice, replica& bob, steady::duration bob_tries)
{
    const auto ex = co_await asio::this_coro::executor;
    alice.start(ex);
    EXPECT_TRUE(co_await until([&] { return alice.lock.held(); }, 5s));
    bob.start(ex);
    co_await test::sleep_for(bob_tries);
}

asio::awaitable<void> stop_all(replica& a, replica& b)
{
    a.stop.emit(asio::cancellation_type::terminal);
    b.stop.emit(asio::cancellation_type::terminal);
    EXPECT_TRUE(co_await until([&] { return !a.running && !b.running; }, 10s));
}

TEST(kubernetes_lease_lock, a_graceful_stop_hands_the_lease_to_the_other_replica_at_once)
{
    test::run_async([]() -> asio::awaitable<void> {
        fake_api api;
        replica alice(api, "alice"), bob(api, "bob");
        co_await alice_then_bob(alice, bob, 600ms);  // bob's tries: three retry periods at least
        EXPECT_FALSE(bob.lock.held());
        EXPECT_EQ(bob.lock.view().holder, "alice");
        alice.stop.emit(asio::cancellation_type::terminal);
        EXPECT_TRUE(co_await until([&] { return !alice.running; }, 5s));
        EXPECT_TRUE(std::find(api.written.begin(), api.written.end(), "") !=
                    api.written.end());  // handed back
        const auto released = steady::now();
        EXPECT_TRUE(co_await until([&] { return bob.lock.held(); }, 5s));
        EXPECT_LT(steady::now() - released, 1000ms);  // at his next try, not after lease_duration
        EXPECT_EQ(api.lease->spec->transitions, 1);
        EXPECT_FALSE(alice.lost);  // a graceful stop is not a loss
        co_await stop_all(alice, bob);
    });
}

TEST(kubernetes_lease_lock, a_holder_cut_off_stops_before_the_other_replica_takes_over)
{
    test::run_async([]() -> asio::awaitable<void> {
        fake_api api;
        replica alice(api, "alice"), bob(api, "bob");
        co_await alice_then_bob(alice, bob, 500ms);
        api.down.insert("alice");
        const auto cut = steady::now();
        EXPECT_TRUE(co_await until([&] { return bob.lock.held(); }, 8s));
        EXPECT_TRUE(alice.lost.has_value());
        if (alice.lost && bob.acquired)
        {
            EXPECT_LT(*alice.lost, *bob.acquired);  // never two holders
            EXPECT_LE(*alice.lost - cut, 1300ms);   // renew_deadline (1 s) after the last good renewal
            // lease_duration (1.5 s) after bob last saw alice renew, which was up to one renewal period plus
            // one of his (jittered) tries before the cut.
            EXPECT_GE(*bob.acquired - cut, 1500ms - 200ms - 440ms);
        }
        EXPECT_FALSE(alice.lock.held());
        co_await stop_all(alice, bob);
    });
}

TEST(kubernetes_lease_lock, a_closed_gate_leaves_a_free_lease_alone_until_it_opens)
{
    test::run_async([]() -> asio::awaitable<void> {
        fake_api api;
        replica alice(api, "alice"), bob(api, "bob");
        bool open = false;
        int asked = 0;
        bob.lock = lease_lock(api.as("bob"), {"ns", "l", {"bob", 1500ms, 1000ms, 200ms}, [&] {
                                                  ++asked;
                                                  return open;
                                              }});
        co_await alice_then_bob(alice, bob, 300ms);
        EXPECT_EQ(asked, 0);  // held by alice: nothing to ask
        alice.stop.emit(asio::cancellation_type::terminal);
        EXPECT_TRUE(co_await until([&] { return !alice.running; }, 5s));
        EXPECT_TRUE(co_await until([&] { return asked >= 3; }, 5s));  // free, asked at every try, refused
        EXPECT_FALSE(bob.lock.held());
        EXPECT_EQ(api.lease->spec->holder, "");
        open = true;
        EXPECT_TRUE(co_await until([&] { return bob.lock.held(); }, 5s));
        co_await stop_all(alice, bob);
    });
}

}  // namespace
}  // namespace vk::kubernetes
