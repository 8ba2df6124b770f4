// The shell of the procedure: observe Vault and the stores, ask decide() for one action, perform it, write
// the record it names, and ask again. Every remote or durable effect is followed by a named crash point.
#include "keeper/procedure_runner.hpp"

#include "async/blocking.hpp"
#include "async/retry.hpp"
#include "core/test_point.hpp"
#include "core/time.hpp"
#include "keeper/custodian_answer.hpp"
#include "keeper/model/store_health.hpp"
#include "keeper/model/threshold_feed.hpp"
#include "vault/rekey.hpp"
#include "vault/sys.hpp"

#include <chrono>

namespace vk::keeper {
namespace asio = boost::asio;

namespace {

constexpr int max_actions_per_cycle = 64;
// How many times the answer of sys/init is offered to the stores before the job stops: it exists nowhere
// else.
constexpr int init_store_attempts = 5;

// The crash point after writing `next` over `prev`.
std::string point_after_write(const procedure_record& prev, const procedure_record& next)
{
    if (next.audit && !prev.audit)
        return "audit-recorded";
    if (next.audit && !next.audit->nonce.empty() && (!prev.audit || prev.audit->nonce.empty()))
        return "audit-nonce-recorded";
    if (prev.audit && !next.audit)
        return "audit-verdict-recorded";
    return "recorded-" + std::string(to_string(next.st));
}

class runner
{
public:
    runner(keeper_core& core, runtime::cycle_context& ctx)
        : core_(core),
          ctx_(ctx)
    {
    }

    asio::awaitable<void> run()
    {
        core_.waiting.clear();
        for (int i = 0; i < max_actions_per_cycle; ++i)
        {
            auto o = co_await observe();
            if (!o)
            {
                if (!o.error().is(errc::sealed))
                    ctx_.error(o.error());
                else
                    core_.waiting = "the active node is sealed";
                co_return;
            }
            auto p = procedure_policy_of(core_);
            if (!p)
            {
                core_.waiting = p.error().message;
                ctx_.error(p.error());
                co_return;
            }
            auto a = decide(core_.record, *o, *p);
            if (a.kind == act::none)
                co_return;
            if (a.kind == act::wait)
            {
                report_wait(a);
                co_return;
            }
            ctx_.debug("keeper action", {{"action", std::string(to_string(a.kind))}, {"set", a.set}});
            if (auto r = co_await perform(a); !r)
            {
                ctx_.error(r.error());
                co_return;
            }
            if (!a.message.empty())  // done, but a human must hear of it (an initial set not stored whole)
                report(a);
            ctx_.count(std::string("action_") + std::string(to_string(a.kind)));
            core_.alerted.clear();  // progress: a condition that comes back later is news again
        }
    }

private:
    asio::awaitable<result<observation>> observe()
    {
        observation o;
        auto st = co_await vault::sys_seal_status(*core_.vault);
        if (!st)
            co_return st.error();
        o.initialized = st->initialized;
        // Init recovery decides from the stores alone (a sealed Vault whose keys were lost must still be
        // named).
        if (st->initialized && st->sealed && core_.record.st != step::init_intent)
            co_return make_error(errc::sealed, "the active node is sealed", core_.vault->endpoint());
        if (st->initialized && !st->sealed)
        {
            auto rk = co_await vault::rekey_progress(*core_.vault);
            if (!rk)
                co_return rk.error();
            if (rk->started)
            {
                o.rekey = rekey_view{rk->nonce,
                                     static_cast<int>(rk->t),
                                     static_cast<int>(rk->n),
                                     static_cast<int>(rk->progress),
                                     rk->verification_required,
                                     rk->verification_nonce,
                                     !rk->pgp_fingerprints.empty() || rk->backup,
                                     rk->backup,
                                     rk->pgp_fingerprints};
            }
        }
        const auto& planned = core_.record.planned;
        o.planned_key_lost = core_.record.st == step::started && planned && !planned->custodians.empty() &&
                             !(core_.key && core_.key_set == planned->id);
        if (core_.record.st == step::init_intent && core_.record.pending)
            o.readable[core_.record.pending->id] =
                static_cast<int>((co_await core_.stores.read_set(*core_.record.pending)).size());
        if (core_.record.st == step::idle || core_.record.st == step::requested)
        {
            auto held = co_await core_.stores.sets_held();
            if (!held)
                co_return held.error();
            auto named = core_.record.referenced_sets();
            for (const auto& s : *held)
                if (!named.contains(s))
                    o.stray_sets.insert(s);
        }
        co_return o;
    }

    void report_wait(const action& a)
    {
        core_.waiting = a.message;
        report(a);
    }

    // The action's message at its level (an alert once per condition).
    void report(const action& a)
    {
        auto e = make_error(errc::unavailable, a.message, core_.vault->endpoint());
        auto l = a.level;
        if (l == level::alert && core_.alerted == a.message)
            l = level::warning;  // still the same condition: the webhook heard it once
        if (l == level::alert)
            core_.alerted = a.message;
        switch (l)
        {
        case level::info: ctx_.info(a.message); break;
        case level::warning: ctx_.warning(e); break;
        case level::alert: ctx_.alert(e); break;
        case level::error: ctx_.error(e); break;
        case level::fatal: core_.stop(ctx_, e); break;
        }
    }

    asio::awaitable<result<void>> write(const procedure_record& next)
    {
        co_return co_await commit_record(core_, next);
    }

    asio::awaitable<result<std::map<int, secret>>> shards_of(const std::string& set_id)
    {
        const auto* s = set_named(core_.record, set_id);
        if (!s)
            co_return make_error(errc::internal, "set " + set_id + " is not in the record");
        auto shards = co_await core_.stores.read_set(*s);
        if (auto enough = threshold_readable(*s, shards.size()); !enough)
            co_return enough.error();
        co_return shards;
    }

    asio::awaitable<result<void>> perform(const action& a)
    {
        switch (a.kind)
        {
        case act::write: co_return co_await write(a.next);
        case act::vault_init: co_return co_await do_init(a);
        case act::rekey_init: co_return co_await do_rekey_init(a);
        case act::submit_old:
        case act::audit_submit: co_return co_await do_submit(a);
        case act::verify: co_return co_await do_verify(a);
        case act::cancel:
            if (auto c = co_await vault::rekey_cancel(*core_.vault, a.nonce); !c)
                co_return c.error();
            test_point("cancelled");
            co_return co_await write(a.next);
        case act::delete_set:
            if (!a.set.empty())
                if (auto d = co_await core_.stores.delete_set(a.set); !d)
                    co_return d.error();
            test_point("set-deleted");
            co_return co_await write(a.next);
        case act::revoke_root: co_return co_await do_revoke_root(a);
        case act::none:
        case act::wait: break;
        }
        co_return result<void>();
    }

    asio::awaitable<result<void>> do_init(const action& a)
    {
        auto next = a.next;
        auto& set = *next.pending;
        auto pgp_keys = co_await make_procedure_key(core_, set);
        if (!pgp_keys)
            co_return pgp_keys.error();
        auto init = co_await vault::sys_init(*core_.vault, static_cast<unsigned>(set.shares),
                                             static_cast<unsigned>(set.threshold), *pgp_keys);
        if (!init)
            co_return init.error();
        test_point("init-answered");
        auto keys = co_await open_answer_on_pool(core_, set, init->keys_base64);
        if (!keys)
        {
            core_.stop(ctx_, keys.error());
            co_return result<void>();
        }
        // The answer exists only here: store all of it before anything else, retrying a failing store.
        auto store_answer = [&] { return core_.stores.put_set(set, *keys, &init->root_token); };
        auto any_failure = [](const error&) { return true; };
        auto stored = co_await retry_while(init_store_attempts, store_answer, any_failure);
        if (!stored)
        {
            auto e = stored.error();
            e.message = "Vault was initialised but its keys could not be stored: " + e.message;
            core_.stop(ctx_, e);
            co_return result<void>();
        }
        test_point("init-stored");
        ctx_.info("Vault initialised", {{"set", set.id}});
        bool revoke = !core_.settings->init || core_.settings->init->root_token == root_token_policy::revoke;
        co_return co_await write(initialised(next, revoke, unix_now()));
    }

    asio::awaitable<result<void>> do_rekey_init(const action& a)
    {
        auto p = procedure_policy_of(core_);
        if (!p)
            co_return p.error();
        vault::rekey_params params{
            static_cast<unsigned>(p->shares), static_cast<unsigned>(p->threshold), true, {}};
        if (!a.next.audit)  // an audit's new keys are never kept: they need no PGP
        {
            auto pgp_keys = co_await make_procedure_key(core_, *a.next.planned);
            if (!pgp_keys)
                co_return pgp_keys.error();
            params.pgp_keys = std::move(*pgp_keys);
        }
        auto st = co_await vault::rekey_init(*core_.vault, params);
        if (!st)
            co_return st.error();
        test_point(a.next.audit ? "audit-init-answered" : "rekey-init-answered");
        if (!st->verification_required || st->t != params.secret_threshold || st->n != params.secret_shares)
        {
            (void)co_await vault::rekey_cancel(*core_.vault, st->nonce);
            co_return make_error(errc::bad_response,
                                 "Vault started a rekey without the verification asked for",
                                 core_.vault->endpoint());
        }
        co_return co_await write(rekey_started(a.next, st->nonce));
    }

    // Old shards under our nonce: a rekey's update (store the new keys as pending) or an audit.
    asio::awaitable<result<void>> do_submit(const action& a)
    {
        bool audit = a.kind == act::audit_submit;
        auto shards = co_await shards_of(a.set);
        if (!shards)
            co_return shards.error();
        const auto* set = set_named(a.next, a.set);
        threshold_feed feed{set ? set->threshold : 0};
        for (const auto& [index, key] : *shards)
        {
            if (!wants_shard(feed))
                break;
            auto r = co_await vault::rekey_update(*core_.vault, key, a.nonce);
            auto answer = after_shard(feed, failure_of(r), r && r->complete);
            feed = answer.feed;
            if (audit && answer.outcome == shard_outcome::wrong_key)
                co_return co_await end_audit(a, verdict::dead);
            if (!r)
                co_return r.error();
            if (first_shard_given(feed))
                test_point(audit ? "audit-partial" : "update-partial");
            if (answer.outcome != shard_outcome::complete)
                continue;
            if (audit)
            {
                test_point("audit-answered");
                co_return co_await end_audit(a, verdict::live);
            }
            co_return co_await store_new_keys(a, *r);
        }
        co_return make_error(errc::bad_response,
                             "Vault did not complete the update after the threshold of shards",
                             core_.vault->endpoint());
    }

    // The update completed: Vault's new keys are stored as the pending set before anything else.
    asio::awaitable<result<void>> store_new_keys(const action& a, const vault::rekey_update_result& done)
    {
        test_point("update-answered");
        auto next = a.next;
        auto keys = co_await open_answer_on_pool(core_, *next.planned, done.keys_base64);
        if (!keys)  // not readable: the same as not stored
        {
            (void)co_await vault::rekey_cancel(*core_.vault, a.nonce);
            co_return keys.error();
        }
        if (auto w = co_await core_.stores.put_set(*next.planned, *keys, nullptr); !w)
        {
            // Not stored: Vault must not rotate to keys nobody holds. Cancel ours; the stray objects go
            // later.
            (void)co_await vault::rekey_cancel(*core_.vault, a.nonce);
            co_return w.error();
        }
        test_point("pending-stored");
        co_return co_await write(update_completed(next, done.verification_nonce));
    }

    asio::awaitable<result<void>> end_audit(const action& a, verdict v)
    {
        if (auto c = co_await vault::rekey_cancel(*core_.vault, a.nonce); !c)
            co_return c.error();
        test_point("audit-cancelled");
        ctx_.info("audit", {{"set", a.set}, {"verdict", v == verdict::live ? "live" : "dead"}});
        co_return co_await write(audited(a.next, a.set, v, unix_now()));
    }

    asio::awaitable<result<void>> do_verify(const action& a)
    {
        auto shards = co_await shards_of(a.set);
        if (!shards)
            co_return shards.error();
        std::string vnonce = a.nonce;
        auto progress = co_await vault::rekey_verify_progress(*core_.vault);
        if (!progress)
            co_return progress.error();
        if (progress->progress > 0)  // a crash left shards in: restart verification (new nonce)
        {
            auto restarted = co_await vault::rekey_verify_restart(*core_.vault);
            if (!restarted)
                co_return restarted.error();
            vnonce = restarted->nonce;
        }
        else if (!progress->nonce.empty())
            vnonce = progress->nonce;
        // a.next is the promoted record: current is the new set.
        threshold_feed feed{a.next.current->threshold};
        for (const auto& [index, key] : *shards)
        {
            if (!wants_shard(feed))
                break;
            auto r = co_await vault::rekey_verify(*core_.vault, key, vnonce);
            auto answer = after_shard(feed, failure_of(r), r && r->complete);
            feed = answer.feed;
            if (answer.outcome == shard_outcome::wrong_key)
            {
                // Vault refused the stored new keys and did not rotate: drop ours, let audits decide.
                (void)co_await vault::rekey_cancel(*core_.vault, core_.record.nonce);
                co_return co_await write(audited(core_.record, a.set, verdict::dead, unix_now()));
            }
            if (!r)
                co_return r.error();
            if (first_shard_given(feed))
                test_point("verify-partial");
            if (answer.outcome == shard_outcome::complete)
            {
                test_point("verify-answered");
                ctx_.info("rekey verified: the new shard set is in force", {{"set", a.set}});
                co_return co_await write(a.next);
            }
        }
        co_return make_error(errc::bad_response,
                             "Vault did not complete the verification after the threshold",
                             core_.vault->endpoint());
    }

    asio::awaitable<result<void>> do_revoke_root(const action& a)
    {
        auto root = co_await core_.stores.read_root(a.set);
        if (root)
        {
            auto cfg = core_.config->vaults.at(core_.settings->vault);
            cfg.auth = vault_auth_config{};
            cfg.auth.token = *root;
            auto ex = co_await asio::this_coro::executor;
            auto c = vault::client::create(ex, cfg);
            if (!c)
                co_return c.error();
            vault::call revoke;
            revoke.method = "POST";
            revoke.path = "auth/token/revoke-self";
            auto r = co_await (*c)->send(revoke);
            if (!r)
                co_return r.error();
            if (r->status >= 300 && r->status != 403)  // 403: already revoked
                co_return make_error(errc::server_error, "revoking the initial root token failed",
                                     core_.vault->endpoint(), revoke.path);
            test_point("root-revoked");
            if (auto d = co_await core_.stores.remove_everywhere(root_object(a.set)); !d)
                co_return d.error();
        }
        else if (!root.error().is(errc::not_found))
            co_return root.error();
        co_return co_await write(a.next);
    }

    keeper_core& core_;
    runtime::cycle_context& ctx_;
};

}  // namespace

result<procedure_policy> procedure_policy_of(const keeper_core& core)
{
    const auto& s = *core.settings;
    const auto& r = core.record;
    procedure_policy p;
    p.can_init = s.init.has_value();
    p.shares = s.init ? s.init->secret_shares : r.current ? r.current->shares : 0;
    p.threshold = s.init ? s.init->secret_threshold : r.current ? r.current->threshold : 0;
    p.root_revoke = !s.init || s.init->root_token == root_token_policy::revoke;
    p.now_unix = unix_now();
    // An operator's request is written as `requested` by the admin action; only the interval is decided here.
    auto interval = std::chrono::duration_cast<std::chrono::seconds>(s.rekey_interval).count();
    p.want_rekey = interval > 0 && r.current && p.now_unix - r.last_rekey_unix >= interval;
    p.custodians = configured_custodians(s);
    int store_shares = p.shares - static_cast<int>(p.custodians.size());
    if (p.shares > 0)
    {
        auto placed = placement_over_usable(store_shares, p.threshold, core.stores.health());
        if (placed)
            p.placement = std::move(*placed);
        else if (placed.error().is(errc::conflict))  // unusable stores: no new set until they are back
        {
            p.no_placement = placed.error().message;
            p.want_rekey = false;
        }
        else
            return placed.error();
    }
    return p;
}

asio::awaitable<result<void>> commit_record(keeper_core& core, const procedure_record& next)
{
    auto prev = core.record;
    auto r = next;
    r.seq = next_seq(next.seq, core.stores.health());  // bump(), skipping one while a store is unusable
    if (auto w = co_await core.stores.write_record(r); !w)
        co_return w.error();
    core.record = r;
    test_point(point_after_write(prev, r));
    co_return result<void>();
}

asio::awaitable<void> run_procedure(keeper_core& core, runtime::cycle_context& ctx)
{
    runner r(core, ctx);
    co_await r.run();
}

}  // namespace vk::keeper
