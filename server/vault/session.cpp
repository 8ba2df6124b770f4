// The client's token lifecycle: start, login + lookup-self, single-flight re-login, and the renewal loop.
#include "core/log.hpp"
#include "vault/auth.hpp"
#include "vault/client_impl.hpp"
#include "vault/errors.hpp"
#include "vault/model/decode.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::vault {

namespace asio = boost::asio;
using std::chrono::steady_clock;

void client::impl::adopt(std::optional<secret> new_token, token_info new_info, bool renewed)
{
    if (new_token)
    {
        token = std::move(*new_token);
        ++generation;
    }
    info = std::move(new_info);
    obtained = steady_clock::now();
    after_renew = renewed;
    // Wake the renewal loop so it plans from the new state (it tells this from its own cancellation).
    if (renewal_timer)
        renewal_timer->cancel();
}

asio::awaitable<result<token_info>> client::impl::lookup_self()
{
    call c;
    c.path = "auth/token/lookup-self";
    auto r = co_await send_once(c);
    if (!r)
        co_return r.error();
    if (r->status != 200)
        co_return reply_error(r->status, r->body, endpoint, c.path);
    auto info = decode_token_lookup(r->body);
    if (!info)
    {
        auto e = info.error();
        e.endpoint = endpoint;
        e.path = c.path;
        co_return e;
    }
    co_return std::move(*info);
}

asio::awaitable<result<token_info>> client::impl::login_and_lookup()
{
    ++logins;
    if (can_login(cfg.auth))
    {
        auto c = login_call(cfg.auth);
        if (!c)
            co_return login_refused(cfg.auth, c.error());
        auto r = co_await send_once(*c);
        if (!r)
            co_return r.error();
        if (r->status != 200)
            co_return login_refused(cfg.auth, reply_error(r->status, r->body, endpoint, c->path));
        auto a = decode_auth(r->body);
        if (!a)
        {
            auto e = a.error();
            e.endpoint = endpoint;
            e.path = c->path;
            co_return e;
        }
        token = std::move(a->token);
        ++generation;
    }
    auto info = co_await lookup_self();
    if (!info)
        co_return info.error();
    adopt(std::nullopt, *info, false);
    log::info("vault login", {{"vault", cfg.name},
                              {"method", cfg.auth.method},
                              {"ttl_s", std::to_string(info->ttl.count())},
                              {"renewable", info->renewable ? "true" : "false"}});
    co_return std::move(*info);
}

asio::awaitable<result<token_info>> client::impl::exclusive_login()
{
    // Waiters park on login_done until this login ends; its expiry is set before anyone waits, because
    // changing it later would cancel (wake) the waiters early.
    // The guard releases the flight on every exit: a result, an exception, a cancellation that throws at
    // the next co_await, or the frame destroyed mid-login. Without it every later caller waits forever.
    struct release_flight
    {
        impl& s;
        bool ok = false;
        ~release_flight()
        {
            s.login_in_flight = false;
            s.last_login_ok = ok;
            s.login_done.cancel();
        }
    };
    login_in_flight = true;
    login_done.expires_at(steady_clock::time_point::max());
    release_flight guard{*this};
    auto r = co_await login_and_lookup();
    guard.ok = static_cast<bool>(r);
    last_login_error = r ? std::nullopt : std::optional<error>(r.error());
    co_return r;
}

asio::awaitable<result<void>> client::impl::relogin(std::uint64_t seen)
{
    if (generation != seen)
        co_return result<void>{};  // someone else already got a new token
    if (!login_in_flight)
    {
        auto r = co_await exclusive_login();
        if (!r)
            co_return r.error();
        co_return result<void>{};
    }
    // Wait for the login in progress; the timer is cancelled when it ends (or we are cancelled).
    co_await login_done.async_wait(asio::as_tuple(asio::use_awaitable));
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none)
        co_return make_error(errc::cancelled, "cancelled while waiting for a vault login");
    if (last_login_ok)
        co_return result<void>{};
    co_return last_login_error ? *last_login_error
                               : make_error(errc::permission_denied, "vault login failed");
}

asio::awaitable<result<token_info>> client::start()
{
    co_return co_await impl_->login_and_lookup();
}

asio::awaitable<result<token_info>> client::login()
{
    if (!impl_->login_in_flight)
        co_return co_await impl_->exclusive_login();
    // A login is already running: share its outcome.
    if (auto r = co_await impl_->relogin(impl_->generation); !r)
        co_return r.error();
    co_return impl_->info;
}

namespace {

// Renews the current token; returns its new state (creation TTL kept, to tell capped renewals).
asio::awaitable<result<token_info>> renew_self(client& c, const token_info& before)
{
    vault::call req;
    req.method = "POST";
    req.path = "auth/token/renew-self";
    req.body = "{}";
    req.idempotent = true;  // renewing twice is harmless
    auto r = co_await c.perform(req);
    if (!r)
        co_return r.error();
    auto a = decode_auth(r->body);
    if (!a)
        co_return c.located(a.error(), req.path);
    a->info.creation_ttl = before.creation_ttl;
    a->info.explicit_max_ttl = before.explicit_max_ttl;
    co_return std::move(a->info);
}

}  // namespace

asio::awaitable<void> client::run_renewal()
{
    auto& s = *impl_;
    asio::steady_timer timer(s.ex);
    s.renewal_timer = &timer;
    struct unhook
    {
        impl& s;
        ~unhook() { s.renewal_timer = nullptr; }
    } guard{s};
    bool failed = false;  // the last attempt failed: wait retry_delay, then log in again if possible
    for (;;)
    {
        auto plan = plan_renewal(s.info, can_login(s.cfg.auth), s.after_renew);
        if (failed)
            plan = {can_login(s.cfg.auth) ? renewal_plan::action::relogin : renewal_plan::action::renew,
                    std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - s.obtained) +
                        retry_delay(s.info)};
        if (plan.what == renewal_plan::action::none)
            timer.expires_at(steady_clock::time_point::max());
        else
            timer.expires_at(s.obtained + plan.after);
        auto gen = s.generation;
        auto obtained = s.obtained;
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none)
            co_return;
        if (ec || gen != s.generation || obtained != s.obtained)
        {
            failed = false;  // new token state arrived: plan again
            continue;
        }
        if (plan.what == renewal_plan::action::renew)
        {
            auto r = co_await renew_self(*this, s.info);
            if (r)
            {
                ++s.renewals;
                s.adopt(std::nullopt, *r, true);
                failed = false;
                continue;
            }
            if (r.error().is(errc::cancelled))
                co_return;
            log::warn("vault token renewal failed", {{"vault", s.cfg.name}, {"error", r.error().describe()}});
            if (!can_login(s.cfg.auth))
            {
                failed = true;
                continue;
            }
        }
        auto r = co_await login();
        if (!r && r.error().is(errc::cancelled))
            co_return;
        if (!r)
            log::warn("vault login failed", {{"vault", s.cfg.name}, {"error", r.error().describe()}});
        failed = !r;
    }
}

}  // namespace vk::vault
