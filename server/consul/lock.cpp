// The Consul lock recipe: session + renewal raced against acquire-and-watch; whichever ends first means
// the lock (or the chance to get it) is gone, and the other is cancelled before starting over.
#include "consul/lock.hpp"
#include "async/sleep.hpp"

#include "async/deadline.hpp"
#include "core/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::consul {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::seconds renew_retry{1};
constexpr std::chrono::seconds cleanup_limit{5};

bool is_cancelled(const error& e)
{
    return e.is(errc::cancelled);
}

}  // namespace

lock::lock(client& c, lock_params p)
    : c_(c),
      p_(std::move(p)),
      watch_(p_.ttl)
{
}

lock_view lock::view() const
{
    if (held_)
        return {lock_state::held, p_.value, ""};
    return watch_.view(steady::now());
}

asio::awaitable<void> lock::run(std::function<void()> on_acquired,
                                std::function<asio::awaitable<void>()> on_lost)
{
    auto cs = co_await asio::this_coro::cancellation_state;
    try
    {
        while (cs.cancelled() == asio::cancellation_type::none)
        {
            co_await one_session(on_acquired);
            if (cs.cancelled() != asio::cancellation_type::none)
                break;
            if (held_)
            {
                held_ = false;
                log::warn("HA lock lost", {{"key", p_.key}});
                co_await on_lost();  // before clean_up: destroying the session would free the key
            }
            co_await clean_up();
        }
    }
    catch (const boost::system::system_error& e)
    {
        // Any co_await after a terminal cancellation throws operation_aborted: that is our stop signal.
        if (e.code() != asio::error::operation_aborted)
            throw;
    }
    // Cleanup must reach Consul even though we were cancelled: detach from the cancelled state.
    co_await asio::this_coro::reset_cancellation_state();
    co_await clean_up();
}

asio::awaitable<void> lock::one_session(const std::function<void()>& on_acquired)
{
    session_params sp{p_.session_name, p_.ttl, p_.lock_delay, p_.session_behavior};
    auto sent = steady::now();  // Consul starts the session's TTL when it receives this, later
    auto id = co_await c_.create_session(sp);
    if (!id)
    {
        watch_.forget();  // Consul cannot be reached: what we saw of the key is stale
        if (!is_cancelled(id.error()))
            log::warn("HA lock: cannot create a Consul session",
                      {{"key", p_.key}, {"error", id.error().describe()}});
        co_await vk::sleep_for(p_.retry_delay);
        co_return;
    }
    session_ = *id;
    // Whichever ends first (session gone, or lock lost) ends this session's life; the other is cancelled.
    co_await (keep_alive(sent) || acquire_and_hold(on_acquired));
}

asio::awaitable<void> lock::keep_alive(steady::time_point created_sent)
{
    auto last_sent = created_sent;  // when the last request Consul took as a renewal was sent
    steady::duration next = p_.ttl / 2;
    for (;;)
    {
        auto deadline = loss_deadline(last_sent, p_.ttl);
        co_await vk::sleep_for(std::min<steady::duration>(next, deadline - steady::now()));
        auto sent = steady::now();
        if (sent >= deadline)
        {
            log::warn("HA lock: no renewal succeeded in time; the lock counts as lost", {{"key", p_.key}});
            co_return;
        }
        auto r =
            co_await with_deadline(c_.renew_session(session_), deadline - sent, "session renewal timed out");
        if (r)
        {
            last_sent = sent;
            next = p_.ttl / 2;
            co_await heartbeat(loss_deadline(last_sent, p_.ttl));
            continue;
        }
        if (is_cancelled(r.error()))
            co_return;
        if (r.error().is(errc::not_found))
        {
            log::warn("HA lock: session lost", {{"key", p_.key}, {"error", r.error().describe()}});
            co_return;
        }
        next = renew_retry;  // the deadline above still holds
    }
}

// Rewrites the key with the next beat while we hold it: the waiting replicas see the change. A failure costs
// nothing but that: the renewals decide whether the lock is still ours.
asio::awaitable<void> lock::heartbeat(steady::time_point deadline)
{
    if (!held_)
        co_return;
    put_options o;
    o.flags = lock_flag;
    o.acquire = session_;
    auto r = co_await with_deadline(c_.put(p_.key, encode_lock_value(p_.value, ++beat_), o),
                                    std::max<steady::duration>(deadline - steady::now(), 1ms),
                                    "heartbeat timed out");
    if (!r && !is_cancelled(r.error()))
        log::debug("HA lock: heartbeat failed", {{"key", p_.key}, {"error", r.error().describe()}});
}

asio::awaitable<void> lock::acquire_and_hold(const std::function<void()>& on_acquired)
{
    std::uint64_t index = 0;
    bool refused = false;
    for (;;)
    {
        query_options q{index, p_.ttl, false};  // named: g++ 12 miscompiles braced temporaries in co_await
        auto r = co_await c_.get(p_.key, q);
        if (!r)
        {
            if (is_cancelled(r.error()))
                co_return;
            log::warn("HA lock: cannot read the lock key",
                      {{"key", p_.key}, {"error", r.error().describe()}});
            watch_.forget();
            index = 0;
            co_await vk::sleep_for(p_.retry_delay);
            continue;
        }
        const auto& e = r->value;
        index = next_blocking_index(index, r->index);
        if (e && e->flags != lock_flag)
        {
            // Not a lock: someone uses this key for data. Never overwrite it; check again later.
            log::error("HA lock key holds data, not a lock", {{"key", p_.key}});
            co_await vk::sleep_for(p_.retry_delay);
            continue;
        }
        if (e && !e->session.empty() && e->session != session_)
        {
            watch_.saw(e->session, e->value, e->modify_index, steady::now());  // block until the key changes
            refused = false;  // our refusal is explained: no lock-delay to wait out
            continue;
        }
        watch_.forget();
        if (refused)
        {
            // Free, yet our last acquire was refused: Consul's lock-delay after an invalidation.
            refused = false;
            index = 0;
            co_await vk::sleep_for(p_.retry_delay);
            continue;
        }
        bool mine = e && e->session == session_;
        if (!mine && p_.may_acquire && !p_.may_acquire())
        {
            index = 0;
            co_await vk::sleep_for(p_.retry_delay);
            continue;
        }
        if (!mine)
        {
            bool got = co_await try_acquire();
            if (!got)
            {
                refused = true;
                index = 0;  // re-read at once: either someone else won (block on it) or lock-delay
                continue;
            }
        }
        held_ = true;
        log::info("HA lock acquired", {{"key", p_.key}});
        on_acquired();
        co_await monitor();
        co_return;
    }
}

asio::awaitable<bool> lock::try_acquire()
{
    put_options o;
    o.flags = lock_flag;
    o.acquire = session_;
    auto a = co_await c_.put(p_.key, encode_lock_value(p_.value, ++beat_), o);
    if (!a && !is_cancelled(a.error()))
        log::warn("HA lock: acquire failed", {{"key", p_.key}, {"error", a.error().describe()}});
    co_return a&&* a;
}

asio::awaitable<void> lock::monitor()
{
    std::uint64_t index = 0;
    auto last_ok = steady::now();
    for (;;)
    {
        query_options q{index, p_.ttl, true};
        auto r = co_await c_.get(p_.key, q);
        if (!r)
        {
            if (is_cancelled(r.error()) || steady::now() - last_ok >= p_.ttl)
                co_return;
            co_await vk::sleep_for(renew_retry);
            continue;
        }
        last_ok = steady::now();
        if (!r->value || r->value->session != session_)
            co_return;  // released or taken: the lock is gone
        index = next_blocking_index(index, r->index);
    }
}

asio::awaitable<void> lock::clean_up()
{
    if (held_)
    {
        put_options o;
        o.flags = lock_flag;
        o.release = session_;
        auto r = co_await with_deadline(c_.put(p_.key, encode_lock_value(p_.value, beat_), o), cleanup_limit,
                                        "release timed out");
        if (!r)
            log::warn("HA lock: release failed", {{"key", p_.key}, {"error", r.error().describe()}});
        held_ = false;
    }
    if (!session_.empty())
    {
        // Destroying also releases the key should the release above have failed.
        auto r = co_await with_deadline(c_.destroy_session(session_), cleanup_limit, "destroy timed out");
        if (!r)
            log::warn("HA lock: destroying the session failed",
                      {{"key", p_.key}, {"error", r.error().describe()}});
        session_.clear();
    }
}

}  // namespace vk::consul
