// The Lease lock's I/O: GET the Lease, then POST or PUT what the election decided; renewals PUT our last
// spec with a new renewTime directly (client-go's fast path) and fall back to a read after a 409.
#include "kubernetes/lease_lock.hpp"

#include "async/deadline.hpp"
#include "async/sleep.hpp"
#include "core/log.hpp"
#include "kubernetes/model/lease_wire.hpp"

#include <boost/asio/this_coro.hpp>

namespace vk::kubernetes {
namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::chrono::seconds release_timeout{5};

std::string wall_now()
{
    return micro_time(std::chrono::system_clock::now());
}

errc code_of(unsigned status)
{
    switch (status)
    {
    case 401:
    case 403: return errc::permission_denied;
    case 404: return errc::not_found;
    case 409: return errc::conflict;
    case 429: return errc::rate_limited;
    default: return status >= 500 ? errc::server_error : errc::bad_request;
    }
}

error status_error(const http::response& r, const std::string& method, const std::string& path)
{
    return make_error(code_of(r.status), method + " answered HTTP " + std::to_string(r.status), {}, path);
}

}  // namespace

lease_lock::lease_lock(api_send send, lease_lock_params p)
    : send_(std::move(send)),
      p_(std::move(p)),
      election_(p_.election)
{
}

lock_view lease_lock::view() const
{
    if (held_)
        return {lock_state::held, p_.election.identity, ""};
    return {lock_state::unheld, seen_holder_, ""};
}

asio::awaitable<void> lease_lock::run(std::function<void()> on_acquired,
                                      std::function<asio::awaitable<void>()> on_lost)
{
    auto cs = co_await asio::this_coro::cancellation_state;
    try
    {
        while (cs.cancelled() == asio::cancellation_type::none)
        {
            co_await acquire();
            held_ = true;
            log::info("HA lease acquired", {{"lease", p_.name}, {"namespace", p_.ns}});
            on_acquired();
            co_await hold();
            held_ = false;
            log::warn("HA lease lost: no renewal succeeded within renew_deadline",
                      {{"lease", p_.name}, {"namespace", p_.ns}});
            co_await on_lost();
            election_.step_down();
        }
    }
    catch (const boost::system::system_error& e)
    {
        // Any co_await after a terminal cancellation throws operation_aborted: that is our stop signal.
        if (e.code() != asio::error::operation_aborted)
            throw;
    }
    // The hand-back must reach the API server even though we were cancelled.
    co_await asio::this_coro::reset_cancellation_state();
    co_await release();
}

asio::awaitable<void> lease_lock::acquire()
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    while (!co_await read_and_write())
        co_await sleep_for(jittered_retry(p_.election.retry_period, unit(rng_)));
}

asio::awaitable<void> lease_lock::hold()
{
    for (;;)
    {
        co_await sleep_for(p_.election.retry_period);
        const auto left = election_.renew_by() - steady::now();
        if (left <= steady::duration::zero())
            co_return;
        // An attempt that outlives the deadline is cut there: past it, someone else may hold the Lease.
        co_await with_timeout(renew_once(), left);
        if (!election_.leading(steady::now()))
            co_return;
    }
}

asio::awaitable<bool> lease_lock::renew_once()
{
    auto w = co_await write(election_.renewal(wall_now()));
    if (w)
    {
        election_.written(true, *w, steady::now());
        co_return true;
    }
    if (w.error().code == errc::conflict)
        co_return co_await read_and_write();  // changed meanwhile (or our resourceVersion is stale)
    election_.written(false, "", steady::now());
    log::warn("HA lease renewal failed", {{"lease", p_.name}, {"error", w.error().describe()}});
    co_return false;
}

asio::awaitable<bool> lease_lock::read_and_write()
{
    auto seen = co_await read();
    if (!seen)
    {
        log::warn("HA lease cannot be read", {{"lease", p_.name}, {"error", seen.error().describe()}});
        co_return false;
    }
    auto step = election_.after_read(*seen, steady::now(), wall_now());
    seen_holder_ = seen->spec ? seen->spec->holder : std::string();
    if (step.kind == election_step::what::wait)
        co_return false;
    const bool takeover = !seen->spec || seen->spec->holder != p_.election.identity;
    if (takeover && p_.may_acquire && !p_.may_acquire())
        co_return false;
    auto w = co_await write(step);
    election_.written(bool(w), w ? *w : std::string(), steady::now());
    if (!w && w.error().code != errc::conflict)  // a conflict is a lost race: someone else wrote first
        log::warn("HA lease cannot be written", {{"lease", p_.name}, {"error", w.error().describe()}});
    co_return bool(w);
}

asio::awaitable<void> lease_lock::release()
{
    if (!held_)
        co_return;
    held_ = false;
    auto w = co_await with_deadline(write(election_.release(wall_now())), release_timeout,
                                    "lease release timed out");
    if (w)
        log::info("HA lease released", {{"lease", p_.name}, {"namespace", p_.ns}});
    else
        log::warn("HA lease not released; it expires on its own",
                  {{"lease", p_.name}, {"error", w.error().describe()}});
}

asio::awaitable<result<lease_read>> lease_lock::read()
{
    const auto path = lease_path(p_.ns, p_.name);
    auto r = co_await send_("GET", path, "");
    if (!r)
        co_return r.error();
    if (r->status == 404)
        co_return lease_read{};
    if (r->status != 200)
        co_return status_error(*r, "GET", path);
    co_return decode_lease(r->body);
}

asio::awaitable<result<std::string>> lease_lock::write(const election_step& step)
{
    const bool create = step.kind == election_step::what::create;
    const auto path = create ? leases_path(p_.ns) : lease_path(p_.ns, p_.name);
    const std::string method = create ? "POST" : "PUT";
    auto r = co_await send_(method, path, encode_lease(p_.name, p_.ns, step));
    if (!r)
        co_return r.error();
    if (r->status != 200 && r->status != 201)
        co_return status_error(*r, method, path);
    auto back = decode_lease(r->body);
    if (!back)
        co_return back.error();
    co_return back->resource_version;
}

}  // namespace vk::kubernetes
