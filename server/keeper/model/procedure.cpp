// decide(): the procedure's transitions. Read it as a table: (record step, what Vault shows) -> one action.
#include "keeper/model/procedure.hpp"

#include "core/json_field.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

namespace vk::keeper {
namespace json = boost::json;

namespace {
shard_set new_set(std::uint64_t n, const procedure_policy& p)
{
    return shard_set{"set-" + std::to_string(n), p.shares, p.threshold, p.placement, p.custodians};
}
}  // namespace

// Back to `requested` with a fresh planned set (the old plan's objects become stray and are removed).
procedure_record request_rekey(procedure_record r, const procedure_policy& p)
{
    r.st = step::requested;
    r.nonce.clear();
    r.verification_nonce.clear();
    r.pending.reset();
    r.planned = new_set(r.next_set, p);
    ++r.next_set;
    return r;
}

namespace {

constexpr std::array<std::pair<step, std::string_view>, 7> step_names{{
    {step::idle, "idle"},
    {step::init_intent, "init_intent"},
    {step::requested, "requested"},
    {step::started, "started"},
    {step::pending_stored, "pending_stored"},
    {step::promoted, "promoted"},
    {step::audited, "audited"},
}};

// ---- JSON ----

json::value set_json(const std::optional<shard_set>& s)
{
    if (!s)
        return nullptr;
    json::array placement;
    for (const auto& p : s->placement)
        placement.emplace_back(p);
    json::array custodians;
    for (const auto& c : s->custodians)
        custodians.emplace_back(to_json(c));
    return json::object{{"id", s->id},
                        {"shares", s->shares},
                        {"threshold", s->threshold},
                        {"placement", std::move(placement)},
                        {"custodians", std::move(custodians)}};
}

// A record written before custodians existed has none.
std::vector<custodian_share> custodians_from(const json::object& s)
{
    std::vector<custodian_share> out;
    const auto* a = s.if_contains("custodians");
    if (!a || a->is_null())
        return out;
    for (const auto& v : a->as_array())
        out.push_back(custodian_share_from(v.as_object()));
    return out;
}

std::optional<shard_set> set_from(const json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    if (!v || v->is_null())
        return std::nullopt;
    const auto& s = v->as_object();
    shard_set out;
    out.id = json::value_to<std::string>(s.at("id"));
    out.shares = json::value_to<int>(s.at("shares"));
    out.threshold = json::value_to<int>(s.at("threshold"));
    out.placement = json::value_to<std::vector<std::string>>(s.at("placement"));
    out.custodians = custodians_from(s);
    if (static_cast<int>(out.placement.size() + out.custodians.size()) != out.shares || out.threshold < 1 ||
        out.threshold > out.shares)
        throw std::invalid_argument("inconsistent shard set");
    return out;
}

// ---- decisions ----

// A rekey of ours: our counts and verification, and PGP only for custodians (the announced fingerprints end
// with theirs).
bool matches(const rekey_view& v, const procedure_policy& p)
{
    bool pgp_ok = p.custodians.empty()
                      ? !v.pgp
                      : !v.backup && custodian_fingerprints_match(v.pgp_fingerprints, p.custodians);
    return v.verification_required && pgp_ok && v.t == p.threshold && v.n == p.shares && v.progress == 0 &&
           v.verification_nonce.empty();
}

action write(procedure_record next)
{
    return {act::write, std::move(next)};
}

action wait(std::string message, keeper::level l)
{
    action a;
    a.kind = act::wait;
    a.message = std::move(message);
    a.level = l;
    return a;
}

action with(act kind, procedure_record next, std::string set = {}, std::string nonce = {})
{
    action a{kind, std::move(next)};
    a.set = std::move(set);
    a.nonce = std::move(nonce);
    return a;
}

action foreign(const rekey_view& v)
{
    return wait("a rekey this keeper did not start is in progress in Vault (nonce " + v.nonce +
                    "): left alone; cancel it or let its owner finish",
                level::alert);
}

procedure_record start_audit(procedure_record r, const std::string& set)
{
    r.audit = audit_op{set, ""};
    return r;
}

std::optional<verdict> verdict_of(const procedure_record& r, const std::optional<shard_set>& s)
{
    if (!s)
        return std::nullopt;
    auto it = r.verdicts.find(s->id);
    return it == r.verdicts.end() ? std::nullopt : std::optional<verdict>(it->second);
}

// An audit in flight owns Vault's rekey slot until it ends.
action continue_audit(const procedure_record& r, const observation& o, const procedure_policy& p)
{
    const auto& a = *r.audit;
    if (a.nonce.empty())
    {
        if (!o.rekey)
            return with(act::rekey_init, r, a.set);
        if (matches(*o.rekey, p))
            return write(rekey_started(r, o.rekey->nonce));  // ours: we crashed before recording its nonce
        return foreign(*o.rekey);
    }
    auto restart = r;
    restart.audit->nonce.clear();
    if (!o.rekey || o.rekey->nonce != a.nonce)
        return write(restart);  // Vault lost it (restart, leader change): start the audit again
    if (!o.rekey->verification_nonce.empty())  // the shards completed the update before we crashed: proved
        return with(act::cancel, audited(r, a.set, verdict::live, p.now_unix), "", a.nonce);
    if (o.rekey->progress > 0)  // which shards went in is unknown: start over
        return with(act::cancel, restart, "", a.nonce);
    return with(act::audit_submit, r, a.set, a.nonce);
}

action decide_uninitialised(const procedure_record& r, const procedure_policy& p)
{
    if (r.st == step::init_intent)
        return with(act::vault_init, r, r.pending->id);
    if (r.current)
        return wait("Vault reports not initialised while this keeper holds set " + r.current->id +
                        ": refusing to initialise over it (is this the right Vault?)",
                    level::error);
    if (!p.can_init)
        return wait("Vault is not initialised and the job has no init settings", level::warning);
    auto next = r;
    next.st = step::init_intent;
    next.pending = new_set(r.next_set, p);
    ++next.next_set;
    next.revoke_root = false;
    return write(next);
}

// Vault is initialised and the record says we were about to initialise it.
action decide_init_recovery(const procedure_record& r, const observation& o)
{
    const auto& s = *r.pending;
    auto it = o.readable.find(s.id);
    int held = it == o.readable.end() ? 0 : it->second;
    if (held < s.threshold)
        return wait("Vault was initialised but its init answer was lost before it was stored (" +
                        std::to_string(held) + " of " + std::to_string(s.shares) +
                        " shards held): the keys cannot be recovered and Vault cannot be asked again",
                    level::fatal);
    auto next = r;
    next.current = s;
    next.pending.reset();
    next.st = step::idle;
    int stored = static_cast<int>(s.placement.size());
    bool custodians_lost = std::any_of(s.custodians.begin(), s.custodians.end(),
                                       [](const custodian_share& c) { return c.message.empty(); });
    if (held < stored || custodians_lost)
    {
        auto a = write(next);
        a.message = held < stored
                        ? "only " + std::to_string(held) + " of " + std::to_string(stored) +
                              " shards of the initial set were stored"
                        : "the custodians' shares of the initial set were lost before they were recorded";
        a.message += "; request a rekey to restore the full set";
        a.level = level::alert;
        return a;
    }
    return write(next);
}

// Step pending_stored and Vault no longer runs our rekey: verification either completed (pending is live)
// or was lost (current is live). Audits tell; nothing is deleted until one set is proven.
action decide_ambiguous(const procedure_record& r, const procedure_policy& p)
{
    auto vp = verdict_of(r, r.pending);
    if (!vp)
        return write(start_audit(r, r.pending->id));
    if (*vp == verdict::live)
        return write(promoted(r));
    auto vc = verdict_of(r, r.current);
    if (!vc)
        return write(start_audit(r, r.current->id));
    if (*vc == verdict::live)  // roll back: the new set was never in force
        return with(act::delete_set, request_rekey(r, p), r.pending->id);
    return wait("neither the current set " + r.current->id + " nor the pending set " + r.pending->id +
                    " authenticates against Vault: nothing is deleted; a human must look",
                level::alert);
}

action decide_promoted(const procedure_record& r, const procedure_policy& p)
{
    auto vc = verdict_of(r, r.current);
    if (!vc)
        return write(start_audit(r, r.current->id));
    if (*vc == verdict::live)
    {
        auto next = r;
        next.st = step::audited;
        return write(next);
    }
    auto vp = verdict_of(r, r.previous);
    if (!vp)
        return write(start_audit(r, r.previous->id));
    if (*vp == verdict::live)  // Vault still uses the old set: undo the promotion and rekey again
    {
        auto next = r;
        std::swap(next.current, next.previous);
        next.pending = next.previous;
        next.previous.reset();
        return with(act::delete_set, request_rekey(next, p), r.current->id);
    }
    return wait("neither " + r.current->id + " nor " + r.previous->id +
                    " authenticates against Vault: nothing is deleted; a human must look",
                level::alert);
}

procedure_record finished(procedure_record r, std::int64_t now)
{
    r.st = step::idle;
    r.previous.reset();
    r.pending.reset();
    r.planned.reset();
    r.verdicts.clear();
    r.nonce.clear();
    r.verification_nonce.clear();
    r.last_rekey_unix = now;
    r.problem.clear();
    return r;
}

action decide_rekey(const procedure_record& r, const observation& o, const procedure_policy& p)
{
    const auto& v = o.rekey;
    switch (r.st)
    {
    case step::idle:
        if (!p.want_rekey)
            return {};
        if (v)
            return foreign(*v);
        return write(request_rekey(r, p));
    case step::requested:
        if (!v)
            return with(act::rekey_init, r, r.planned->id);
        if (matches(*v, p))
            return write(rekey_started(r, v->nonce));  // ours: we crashed before recording its nonce
        return foreign(*v);
    case step::started:
        if (!v || v->nonce != r.nonce)
            return write(request_rekey(r, p));  // Vault lost our rekey
        if (!v->verification_nonce.empty() || v->progress > 0 || o.planned_key_lost)
            // the new keys were answered but not stored, which old shards went in is unknown, or the answer
            // would be encrypted to a key the keeper no longer has: cancel ours
            return with(act::cancel, request_rekey(r, p), "", r.nonce);
        return with(act::submit_old, r, r.current->id, r.nonce);
    case step::pending_stored:
        if (v && v->nonce == r.nonce)
        {
            if (v->verification_nonce.empty())  // cannot be after an update completed; Vault did not rotate
                return with(act::cancel, request_rekey(r, p), "", r.nonce);
            return with(act::verify, promoted(r), r.pending->id, v->verification_nonce);
        }
        if (v)
            return foreign(*v);
        return decide_ambiguous(r, p);
    case step::promoted:
        if (v)
            return foreign(*v);
        return decide_promoted(r, p);
    case step::audited:
        return with(act::delete_set, finished(r, p.now_unix), r.previous ? r.previous->id : "");
    case step::init_intent: break;
    }
    return {};
}

}  // namespace

std::string shard_object(std::string_view set, int index)
{
    return std::string(set) + "-shard-" + std::to_string(index);
}

std::string root_object(std::string_view set)
{
    return std::string(set) + "-root";
}

std::optional<std::string> set_of_object(std::string_view object)
{
    if (!object.starts_with("set-"))
        return std::nullopt;
    auto dash = object.find('-', 4);
    if (dash == std::string_view::npos)
        return std::nullopt;
    return std::string(object.substr(0, dash));
}

std::string_view to_string(step s)
{
    for (const auto& [k, name] : step_names)
        if (k == s)
            return name;
    return "unknown";
}

std::string_view step_label(step s)
{
    switch (s)
    {
    case step::idle: return "idle";
    case step::init_intent: return "init";
    case step::requested: return "request";
    case step::started: return "update";
    case step::pending_stored: return "verify";
    case step::promoted: return "audit";
    case step::audited: return "finish";
    }
    return "idle";
}

std::vector<std::string_view> step_labels()
{
    return {"idle", "init", "request", "update", "verify", "audit", "finish"};
}

std::string_view to_string(act a)
{
    static constexpr std::array<std::string_view, 11> names{
        "none",         "write",  "vault_init", "rekey_init",  "submit_old", "verify",
        "audit_submit", "cancel", "delete_set", "revoke_root", "wait"};
    return names[static_cast<std::size_t>(a)];
}

std::set<std::string> procedure_record::referenced_sets() const
{
    std::set<std::string> out;
    for (const auto* s : {&current, &pending, &previous, &planned})
        if (*s)
            out.insert((*s)->id);
    return out;
}

std::string to_json(const procedure_record& r)
{
    json::object verdicts;
    for (const auto& [set, v] : r.verdicts)
        verdicts[set] = v == verdict::live ? "live" : "dead";
    json::value audit = nullptr;
    if (r.audit)
        audit = json::object{{"set", r.audit->set}, {"nonce", r.audit->nonce}};
    return json::serialize(json::object{
        {"version", procedure_record::current_version},
        {"seq", r.seq},
        {"step", to_string(r.st)},
        {"current", set_json(r.current)},
        {"pending", set_json(r.pending)},
        {"previous", set_json(r.previous)},
        {"planned", set_json(r.planned)},
        {"nonce", r.nonce},
        {"verification_nonce", r.verification_nonce},
        {"audit", audit},
        {"verdicts", std::move(verdicts)},
        {"next_set", r.next_set},
        {"revoke_root", r.revoke_root},
        {"last_audit_unix", r.last_audit_unix},
        {"last_audit_set", r.last_audit_set},
        {"last_rekey_unix", r.last_rekey_unix},
        {"problem", r.problem},
    });
}

result<procedure_record> record_from_json(std::string_view text)
{
    auto bad = [](std::string why) { return make_error(errc::bad_response, "keeper state record: " + why); };
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object())
        return bad("not a JSON object");
    const auto& o = v.as_object();
    try
    {
        if (json::value_to<int>(o.at("version")) != procedure_record::current_version)
            return bad("version " + json::serialize(o.at("version")) + " is not one this build reads");
        procedure_record r;
        r.seq = json::value_to<std::uint64_t>(o.at("seq"));
        auto st = string_field(o, "step");
        auto it =
            std::find_if(step_names.begin(), step_names.end(), [&](const auto& e) { return e.second == st; });
        if (it == step_names.end())
            return bad("unknown step \"" + st + "\"");
        r.st = it->first;
        r.current = set_from(o, "current");
        r.pending = set_from(o, "pending");
        r.previous = set_from(o, "previous");
        r.planned = set_from(o, "planned");
        r.nonce = string_field(o, "nonce");
        r.verification_nonce = string_field(o, "verification_nonce");
        if (auto* a = o.if_contains("audit"); a && a->is_object())
            r.audit = audit_op{string_field(a->as_object(), "set"), string_field(a->as_object(), "nonce")};
        if (auto* vs = o.if_contains("verdicts"); vs && vs->is_object())
            for (const auto& [k, val] : vs->as_object())
                r.verdicts[std::string(k)] = val == "live" ? verdict::live : verdict::dead;
        r.next_set = json::value_to<std::uint64_t>(o.at("next_set"));
        r.revoke_root = o.at("revoke_root").as_bool();
        r.last_audit_unix = json::value_to<std::int64_t>(o.at("last_audit_unix"));
        r.last_audit_set = string_field(o, "last_audit_set");
        r.last_rekey_unix = json::value_to<std::int64_t>(o.at("last_rekey_unix"));
        r.problem = string_field(o, "problem");
        // The step's invariants: a record that breaks them was not written by this code.
        bool ok = (r.st != step::init_intent || r.pending) &&
                  (r.st != step::requested || (r.current && r.planned)) &&
                  (r.st != step::started || (r.current && r.planned && !r.nonce.empty())) &&
                  (r.st != step::pending_stored || (r.current && r.pending && !r.nonce.empty())) &&
                  (r.st != step::promoted || (r.current && r.previous)) &&
                  (r.st != step::audited || r.current);
        if (!ok)
            return bad("step " + st + " without the sets or nonce it needs");
        return r;
    }
    catch (const std::exception&)
    {
        return bad("missing or mistyped field");
    }
}

procedure_record initialised(procedure_record r, bool revoke_root, std::int64_t now_unix)
{
    r.last_rekey_unix = now_unix;  // the keys are as fresh as a rekey's: rekey_interval counts from here
    r.current = std::move(r.pending);
    r.pending.reset();
    r.st = step::idle;
    r.revoke_root = revoke_root;
    return r;
}

procedure_record promoted(procedure_record r)
{
    r.previous = std::move(r.current);
    r.current = std::move(r.pending);
    r.pending.reset();
    r.st = step::promoted;
    r.nonce.clear();
    r.verification_nonce.clear();
    return r;
}

procedure_record bump(procedure_record r)
{
    ++r.seq;
    return r;
}

procedure_record rekey_started(procedure_record r, std::string nonce)
{
    if (r.audit)
        r.audit->nonce = std::move(nonce);
    else
    {
        r.st = step::started;
        r.nonce = std::move(nonce);
    }
    return r;
}

procedure_record update_completed(procedure_record r, std::string verification_nonce)
{
    r.st = step::pending_stored;
    r.pending = r.planned;
    r.verification_nonce = std::move(verification_nonce);
    return r;
}

procedure_record audited(procedure_record r, const std::string& set, verdict v, std::int64_t now_unix)
{
    r.audit.reset();
    r.verdicts[set] = v;
    if (v == verdict::live)
    {
        r.last_audit_unix = now_unix;
        r.last_audit_set = set;
    }
    return r;
}

namespace {

action decide_step(const procedure_record& r, const observation& o, const procedure_policy& p)
{
    if (!o.initialized)
        return decide_uninitialised(r, p);
    if (r.st == step::init_intent)
        return decide_init_recovery(r, o);
    if (!r.current)
        return wait("Vault is initialised but this keeper holds no shard set for it (initialised elsewhere?)",
                    level::error);
    if (r.revoke_root)
    {
        auto next = r;
        next.revoke_root = false;
        return with(act::revoke_root, next, r.current->id);
    }
    if (r.audit)
        return continue_audit(r, o, p);
    if ((r.st == step::idle || r.st == step::requested) && !o.stray_sets.empty())
        return with(act::delete_set, r, *o.stray_sets.begin());  // never named by a record: never live
    return decide_rekey(r, o, p);
}

}  // namespace

action decide(const procedure_record& r, const observation& o, const procedure_policy& p)
{
    auto a = decide_step(r, o, p);
    // A new set (init or rekey: each takes the next id) needs a placement; while unusable stores leave none,
    // the procedure stays where it is (nothing deleted, nothing requested) until they are back.
    if (!p.no_placement.empty() && a.kind != act::wait && a.next.next_set != r.next_set)
        return wait(p.no_placement, level::warning);
    return a;
}

std::vector<shard_set> unseal_order(const procedure_record& r, const std::string& last_good)
{
    std::vector<shard_set> out;
    auto add = [&](const std::optional<shard_set>& s) {
        if (s && std::none_of(out.begin(), out.end(), [&](const shard_set& x) { return x.id == s->id; }))
            out.push_back(*s);
    };
    for (const auto* s : {&r.current, &r.pending, &r.previous})
        if (*s && (*s)->id == last_good)
            add(*s);
    add(r.current);
    add(r.pending);
    add(r.previous);
    return out;
}

bool is_wrong_key(const error& e)
{
    for (std::string_view marker : {"message authentication failed", "invalid key", "incorrect key shares",
                                    "root key verification failed"})
        if (e.message.find(marker) != std::string::npos)
            return true;
    return false;
}

}  // namespace vk::keeper
