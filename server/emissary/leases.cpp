// Keeping a job's leases alive (leases.hpp): the requests, the state file and the bookkeeping around the
// pure lease model. Lease ids go to Vault in request bodies only: never in a log line, an error or the
// status.
#include "emissary/leases.hpp"

#include "async/blocking.hpp"
#include "core/read_file.hpp"
#include "core/time.hpp"
#include "emissary/atomic_write.hpp"
#include "emissary/emissary_core.hpp"
#include "emissary/model/lease_store.hpp"
#include "emissary/model/lease_wire.hpp"

#include <boost/json/object.hpp>
#include <filesystem>

namespace vk::emissary {
namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

std::string state_path(const emissary_core& core)
{
    return core.settings->state_dir + "/" + core.job + ".leases";
}

std::optional<secret> raw_state_key(const emissary_core& core)
{
    if (!core.settings->state_key)
        return std::nullopt;
    auto raw = decode_state_key(core.settings->state_key->reveal());
    return raw ? std::optional<secret>(secret(*raw)) : std::nullopt;  // the config check validated it
}

vault::client* client_of(emissary_core& core, const std::string& source)
{
    auto it = core.sources.find(source);
    return it == core.sources.end() ? nullptr : it->second.vault.get();
}

bool dynamic_source(const emissary_core& core, const std::string& source)
{
    auto it = core.sources.find(source);
    return it != core.sources.end() && it->second.vault && it->second.cfg.engine == vault_engine::dynamic;
}

// PUT sys/leases/<op> with the lease id in the body (the client logs in first when it has not yet).
asio::awaitable<result<vault::reply>> lease_call(source_clients& src, std::string_view op, std::string body)
{
    auto started = co_await ensure_started(src);
    if (!started)
        co_return started.error();
    vault::call req;
    req.method = "PUT";
    req.path = "sys/leases/" + std::string(op);
    req.body = std::move(body);
    auto r = co_await src.vault->perform(req);
    co_return r;
}

// A stored lease is reused only while Vault still knows it (its token may have died while the daemon was
// down). Vault says "invalid lease" with a 400; a policy without sys/leases/lookup, or a Vault that does not
// answer, leaves it to the first renewal to tell.
asio::awaitable<bool> still_alive(source_clients& src, const std::string& id)
{
    std::string body = lease_id_body(id);
    auto r = co_await lease_call(src, "lookup", std::move(body));
    co_return r || (!r.error().is(errc::bad_request) && !r.error().is(errc::not_found));
}

}  // namespace

double lease_keeper::draw(emissary_core& core)
{
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    return uniform(core.rng);
}

void lease_keeper::answered(emissary_core& core, const dependency& d, const fetched& f)
{
    if (!f.lease || f.lease->id.empty() || !dynamic_source(core, d.source))
        return;
    auto* c = client_of(core, d.source);
    if (auto old = held_.find(d); old != held_.end())
    {
        // A lease that died with its token is gone already.
        if (old->second.schedule.reason() != lease_reason::token_changed && core.settings->revoke_old)
            replaced_.push_back({d.source, old->second.schedule.info().id, false});
        held_.erase(old);
    }
    held_.emplace(d, held_lease{lease_schedule(*f.lease, steady_clock::now(), draw(core)),
                                c ? c->logins() : 0, false, unix_now()});
    dirty_ = true;
}

asio::awaitable<void> lease_keeper::tend(emissary_core& core, runtime::cycle_context& ctx)
{
    if (!restored_)
    {
        restored_ = true;
        co_await restore(core, ctx);
    }
    for (auto& [d, h] : held_)
    {
        auto* c = client_of(core, d.source);
        if (!c || h.refetching)
            continue;
        const auto now = steady_clock::now();
        if (h.logins == 0 && core.sources.at(d.source).vault_started)
            h.logins = c->logins();
        if (h.logins != 0 && c->logins() > h.logins)
            h.schedule.token_changed(now);
        if (h.schedule.due() > now)
            continue;
        if (h.schedule.action() == lease_action::renew)
            co_await renew(core, d, h, ctx);
        if (h.schedule.action() == lease_action::refetch && h.schedule.due() <= steady_clock::now())
        {
            ctx.info("replacing a leased secret", {{"source", d.source},
                                                   {"path", d.path},
                                                   {"reason", std::string(to_string(h.schedule.reason()))}});
            h.refetching = true;
            core.deps[d].next_poll = clock_time{};  // due now: fetch_due reads it again
        }
    }
}

asio::awaitable<void> lease_keeper::renew(emissary_core& core, const dependency& d, held_lease& h,
                                          runtime::cycle_context& ctx)
{
    auto& src = core.sources.at(d.source);
    std::optional<std::chrono::seconds> granted;
    std::string body = renew_body(h.schedule.info().id, h.schedule.increment());
    auto r = co_await lease_call(src, "renew", std::move(body));
    if (!r && r.error().is(errc::cancelled))
        co_return;  // the cycle's deadline: the next cycle tries again (the lease is still due)
    if (r)
    {
        auto g = decode_renewal(r->body);
        if (g)
            granted = *g;
        else
            r = src.vault->located(g.error(), "sys/leases/renew");
    }
    if (!r)
        ctx.warning(core.hide(
            make_error(r.error().code, "renewing the lease of " + d.source + " " + d.path +
                                           " failed; fetching a new secret: " + r.error().describe())));
    ctx.count("lease_renewals");
    h.schedule.renewed(granted, steady_clock::now(), draw(core));
    if (granted)
        h.issued_unix = unix_now();
    dirty_ = true;
}

asio::awaitable<void> lease_keeper::settle(emissary_core& core, runtime::cycle_context& ctx,
                                           bool command_pending)
{
    for (auto& r : replaced_)
        r.rendered = true;  // settle runs after this cycle's renders
    co_await revoke_due(core, ctx, command_pending);
    co_await persist(core, ctx);
}

asio::awaitable<void> lease_keeper::persist(emissary_core& core, runtime::cycle_context& ctx)
{
    if (dirty_ && !core.settings->state_dir.empty())
        co_await save(core, ctx);
}

asio::awaitable<void> lease_keeper::revoke_due(emissary_core& core, runtime::cycle_context& ctx,
                                               bool command_pending)
{
    std::vector<replaced_lease> keep;
    auto due = std::move(replaced_);
    replaced_.clear();
    for (auto& r : due)
    {
        if (!revoke_now(true, r.rendered, command_pending))
        {
            keep.push_back(std::move(r));
            continue;
        }
        auto& src = core.sources.at(r.source);
        std::string body = lease_id_body(r.id);
        auto done = co_await lease_call(src, "revoke", std::move(body));
        if (!done && done.error().is(errc::cancelled))
        {
            keep.push_back(std::move(r));
            continue;
        }
        ctx.count("lease_revocations");
        dirty_ = true;
        if (!done)
            ctx.warning(core.hide(make_error(
                done.error().code, "revoking a replaced lease of source " + r.source +
                                       " failed (it expires on its own): " + done.error().describe())));
        else
            ctx.info("revoked a replaced lease", {{"source", r.source}});
    }
    for (auto& r : keep)
        replaced_.push_back(std::move(r));
}

asio::awaitable<void> lease_keeper::save(emissary_core& core, runtime::cycle_context& ctx)
{
    const auto key = raw_state_key(core);
    std::vector<stored_lease> out;
    for (const auto& [d, h] : held_)
    {
        const auto& info = h.schedule.info();
        stored_lease l{d.source,       d.path,        info.id,
                       h.issued_unix,  info.duration, h.schedule.increment(),
                       info.renewable, std::nullopt};
        if (auto s = core.deps.find(d); key && s != core.deps.end() && s->second.value)
            l.data = s->second.value->value;
        out.push_back(std::move(l));
    }
    for (const auto& r : replaced_)  // still to revoke: a restart revokes them
        out.push_back(stored_lease{r.source, "", r.id, 0, {}, {}, false, std::nullopt});
    auto text = encode_lease_state(core.job, out, key);
    if (!text)
        co_return ctx.warning(text.error());
    const file_target target{state_path(core), 0600, "", "", false, true, 0700, "", ""};
    result<write_outcome> w = write_outcome::unchanged;
    co_await run_blocking([&] { w = write_atomically(target, *text); });
    if (!w)
        co_return ctx.warning(w.error());
    dirty_ = false;
}

asio::awaitable<void> lease_keeper::restore(emissary_core& core, runtime::cycle_context& ctx)
{
    if (core.settings->state_dir.empty())
        co_return;
    const auto path = state_path(core);
    std::optional<std::string> text;
    co_await run_blocking([&] {
        if (std::filesystem::exists(path))
            text = read_file(path);
    });
    if (!text)
        co_return;
    const auto key = raw_state_key(core);
    auto decoded = decode_lease_state(core.job, *text, key);
    std::vector<stored_lease> orphans;
    if (decoded.failure)
    {
        ctx.warning(
            make_error(errc::bad_response, "the lease state file " + path + " is not usable (" +
                                               decoded.failure->why.message +
                                               "): fetching new secrets, revoking the leases it lists"));
        for (const auto& id : decoded.failure->plain_ids)
            orphans.push_back(stored_lease{"", "", id, 0, {}, {}, false, std::nullopt});
    }
    const auto now = unix_now();
    std::vector<stored_lease> stored;
    if (decoded.state)
        stored = std::move(decoded.state->leases);
    for (auto& l : stored)
    {
        const dependency d{l.source, l.path, dep_kind::value};
        auto dep = core.deps.find(d);
        if (dep == core.deps.end() || !dynamic_source(core, l.source) || !reusable(l, now))
        {
            orphans.push_back(std::move(l));
            continue;
        }
        if (!co_await still_alive(core.sources.at(l.source), l.lease_id))
        {
            ctx.info("a stored lease is gone: fetching a new secret",
                     {{"source", l.source}, {"path", l.path}});
            continue;
        }
        fetched f{true, std::move(*l.data), std::nullopt, lease_info{l.lease_id, l.duration, l.renewable}};
        core.record(d, f);
        dep->second.next_poll = clock_time::max();
        core.polls_changed();
        const auto issued = steady_clock::now() - std::chrono::seconds(now - l.issued);
        held_.emplace(
            d, held_lease{lease_schedule(*f.lease, issued, draw(core), l.increment), 0, false, l.issued});
        ctx.info("reusing a leased secret from the state file", {{"source", l.source}, {"path", l.path}});
    }
    // Leases a restart cannot reuse are nobody's: revoked once the new secrets are rendered.
    for (const auto& o : orphans)
    {
        auto source = o.source;
        if (!dynamic_source(core, source))
            for (const auto& [name, s] : core.sources)
                if (dynamic_source(core, name))
                    source = name;  // any client of the job's dynamic sources can revoke it
        if (dynamic_source(core, source) && !o.lease_id.empty())
            replaced_.push_back({source, o.lease_id, false});
    }
    dirty_ = true;
}

std::optional<clock_time> lease_keeper::next_due() const
{
    std::optional<clock_time> due;
    for (const auto& [d, h] : held_)
        if (!h.refetching && (!due || h.schedule.due() < *due))
            due = h.schedule.due();
    return due;
}

json::array lease_keeper::status() const
{
    json::array out;
    const auto now = steady_clock::now();
    const auto wall = system_clock::now();
    auto at = [&](clock_time t) {
        return format_rfc3339(wall + std::chrono::duration_cast<system_clock::duration>(t - now));
    };
    for (const auto& [d, h] : held_)
    {
        const auto& s = h.schedule;
        out.push_back(json::object{{"source", d.source},
                                   {"path", d.path},
                                   {"expires", at(s.expires())},
                                   {"renewable", s.info().renewable},
                                   {"renewals", s.renewals()},
                                   {"next", s.action() == lease_action::renew ? "renew" : "replace"},
                                   {"next_at", at(s.due())},
                                   {"reason", std::string(to_string(s.reason()))}});
    }
    return out;
}

}  // namespace vk::emissary
