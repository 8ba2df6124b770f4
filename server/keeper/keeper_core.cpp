// The keeper core: the Vault clients of the cluster and its nodes, the stores, status and metrics.
#include "keeper/keeper_core.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <utility>

#include "core/read_file.hpp"
#include "core/time.hpp"
#include "keeper/keeper_metrics.hpp"
#include "keeper/kek_since_file.hpp"
#include "keeper/object_sealer.hpp"
#include "metrics/registry.hpp"

namespace vk::keeper {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::vector<std::string> node_addresses(const keeper_settings& s, const vk::config& cfg)
{
    if (!s.nodes.empty())
        return s.nodes;
    return {cfg.vaults.at(s.vault).address};  // until discovery names the nodes
}

vault_config node_config(const vk::config& cfg, const std::string& vault)
{
    // init, unseal, seal-status and rekey are unauthenticated: a vault without a token is fine here.
    auto vcfg = cfg.vaults.at(vault);
    if (vcfg.auth.method == "token" && !vcfg.auth.token)
        vcfg.auth.token = secret("keeper-sends-no-token", "none");
    return vcfg;
}

json::value set_json(const std::optional<shard_set>& s)
{
    if (!s)
        return nullptr;
    json::array custodians;  // who holds a share and whether they fetched it: never the share itself
    for (const auto& c : s->custodians)
    {
        auto o = to_json(c);
        o.erase("message");
        o["answered"] = !c.message.empty();
        o["fetched"] = c.fetches > 0;
        custodians.emplace_back(std::move(o));
    }
    return json::object{{"id", s->id},
                        {"shares", s->shares},
                        {"threshold", s->threshold},
                        {"custodians", std::move(custodians)}};
}

const object_sealer* sealer_of(const store_set& stores, const std::string& name)
{
    for (const auto& s : stores.stores())
        if (s->name() == name)
            return s->sealer().get();
    return nullptr;
}

bool transit_store(const store_set& stores, const std::string& name)
{
    const auto* sealer = sealer_of(stores, name);
    return sealer && sealer->transit_vault();
}

// A transit store's Vault, whether the keeper waits on it, and its key's versions beside the lowest in use.
json::object transit_json(const store_set& stores, const std::string& name)
{
    const auto* sealer = sealer_of(stores, name);
    auto versions = sealer->transit_versions();
    auto lowest = stores.lowest_wrap(name);
    auto waits = sealer->waits_on_vault();
    return json::object{
        {"vault", *sealer->transit_vault()},
        {"waits_on_vault", waits ? json::value(*waits) : json::value(nullptr)},
        {"objects_under_old_wrap", stores.old_key_count(name)},
        {"lowest_wrap_version", lowest ? json::value(*lowest) : json::value(nullptr)},
        {"latest_version", versions ? json::value(versions->latest_version) : json::value(nullptr)},
        {"min_decryption_version",
         versions ? json::value(versions->min_decryption_version) : json::value(nullptr)}};
}

// Each store with whether the last read could use it and why not; usable is null before the first read.
json::array stores_json(const store_set& stores, const std::map<std::string, std::int64_t>& old_since)
{
    json::array out;
    for (const auto& name : stores.names())
    {
        const auto& h = stores.health();
        auto it = std::find_if(h.begin(), h.end(), [&](const store_health& x) { return x.store == name; });
        auto since = old_since.find(name);
        bool transit = transit_store(stores, name);
        json::object o{
            {"name", name},
            {"usable", it == h.end() ? json::value(nullptr) : json::value(it->usable)},
            {"reason", it == h.end() ? "" : it->reason},
            {"objects_under_old_kek", transit ? 0 : stores.old_key_count(name)},
            {"old_kek_since", since == old_since.end() ? json::value(nullptr) : json::value(since->second)}};
        if (transit)
            o["transit"] = transit_json(stores, name);
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace

keeper_core::keeper_core(const vk::job_config& jc, runtime::job_services& services)
    : kind_core(jc, services),
      stores(make_stores(*settings, executor))
{
    if (auto c = vault::client::create(executor, node_config(*config, settings->vault)))
        vault = std::move(*c);
    else
        setup_error = c.error();
    if (auto ca_file = config->vaults.at(settings->vault).tls.ca_file; !ca_file.empty())
    {
        // Read once with the job (a reload makes a new one); the vault client above already loaded it.
        leader_ca = read_file(ca_file).value_or("");
    }
    if (auto e = set_nodes(node_addresses(*settings, *config)))
        setup_error = std::move(e);
    if (!settings->state_dir.empty())
    {
        // A file that does not parse is a warning of the first cycle: the grace starts again, nothing worse.
        auto kept = load_old_kek_since(kek_since_path(settings->state_dir, job));
        if (kept)
            old_kek_since = std::move(*kept);
        else
            kek_since_problem = kept.error();
    }
}

std::optional<error> keeper_core::set_nodes(const std::vector<std::string>& addresses)
{
    std::optional<error> failed;
    std::vector<node_client> next;
    for (const auto& address : addresses)
    {
        auto known = std::find_if(nodes.begin(), nodes.end(),
                                  [&](const node_client& n) { return n.address == address; });
        if (known != nodes.end())
        {
            next.push_back(std::move(*known));
            continue;
        }
        auto cfg = node_config(*config, settings->vault);
        cfg.address = address;
        auto c = vault::client::create(executor, cfg);
        if (!c)
        {
            if (!failed)
                failed = c.error();
            continue;
        }
        next.push_back({address, std::move(*c)});
    }
    nodes = std::move(next);
    return failed;
}

void keeper_core::stop(runtime::cycle_context& ctx, const error& e)
{
    stopped_by(e);
    ctx.fatal(e);
}

void keeper_core::stopped_by(const error& e)
{
    stopped = e.describe();
    for (auto& n : nodes)
        if (n.state != node_state::unsealed && n.detail.empty())
            n.detail = "not unsealed: the job stopped";
}

void keeper_core::report_store_health(runtime::cycle_context& ctx)
{
    auto news = health_changes(stores_alerted, stores.health());
    for (const auto& h : news.broke)
    {
        ctx.alert(
            make_error(errc::unavailable, "store " + h.store + " is unusable: " + h.reason +
                                              "; its objects are left as they are and the keeper goes on "
                                              "with the other stores"));
        stores_alerted.insert(h.store);
    }
    for (const auto& name : news.recovered)
    {
        ctx.info("store usable again", {{"store", name}});
        stores_alerted.erase(name);
    }
}

void keeper_core::count_unseal(std::string_view outcome) const
{
    if (metrics)
        metrics->counter_add(metric::unseal_total, {{"job", job}, {"outcome", std::string(outcome)}});
}

void keeper_core::publish_metrics() const
{
    if (!metrics)
        return;
    double sealed = 0;
    for (const auto& n : nodes)
        sealed += n.state != node_state::unsealed;
    metrics->gauge_set(metric::sealed_nodes, {{"job", job}}, sealed);
    for (auto label : step_labels())
        metrics->gauge_set(metric::rekey_step, {{"job", job}, {"step", std::string(label)}},
                           label == step_label(record.st) ? 1 : 0);
    if (record.last_audit_unix > 0)
        metrics->gauge_set(metric::last_audit, {{"job", job}}, static_cast<double>(record.last_audit_unix));
    publish_kek_metrics();
}

void keeper_core::publish_kek_metrics() const
{
    auto now = static_cast<std::int64_t>(unix_seconds(std::chrono::system_clock::now()));
    metrics->gauge_set(metric::kek_rotation_grace, {{"job", job}},
                       std::chrono::duration<double>(settings->kek_rotation_grace).count());
    for (const auto& name : stores.names())
    {
        if (transit_store(stores, name))
        {
            publish_transit_metrics(name);
            continue;
        }
        auto since = old_kek_since.find(name);
        metrics->gauge_set(metric::objects_under_old_kek, {{"job", job}, {"store", name}},
                           static_cast<double>(stores.old_key_count(name)));
        metrics->gauge_set(metric::old_kek_age, {{"job", job}, {"store", name}},
                           since == old_kek_since.end() ? 0.0 : static_cast<double>(now - since->second));
    }
}

void keeper_core::publish_transit_metrics(const std::string& name) const
{
    const std::map<std::string, std::string> labels{{"job", job}, {"store", name}};
    metrics->gauge_set(metric::objects_under_old_wrap, labels,
                       static_cast<double>(stores.old_key_count(name)));
    // Absent until known, so the alert never compares a guess.
    if (auto lowest = stores.lowest_wrap(name))
        metrics->gauge_set(metric::transit_lowest_wrap_version, labels, static_cast<double>(*lowest));
    if (auto v = sealer_of(stores, name)->transit_versions())
    {
        metrics->gauge_set(metric::transit_latest_version, labels, static_cast<double>(v->latest_version));
        metrics->gauge_set(metric::transit_min_decryption_version, labels,
                           static_cast<double>(v->min_decryption_version));
    }
}

asio::awaitable<void> keeper_core::rotate_keks(runtime::cycle_context& ctx)
{
    // First seen as the read found them, kept before any rewrite so a crash mid-rewrite keeps the clock;
    // then again, so a store whose last old object was just rewritten drops its time.
    note_old_keks(ctx);
    if (auto r = co_await stores.rewrite_old_keys(kek_rewrites_per_cycle); !r)
        ctx.warning(r.error());
    note_old_keks(ctx);
    // The transit keys' versions for the next read (a rotation makes older wraps old) and the alert.
    if (auto r = co_await stores.refresh_sealers(); !r)
        ctx.warning(r.error());
}

void keeper_core::note_old_keks(runtime::cycle_context& ctx)
{
    if (kek_since_problem)
        ctx.warning(*std::exchange(kek_since_problem, std::nullopt));
    auto now = static_cast<std::int64_t>(unix_seconds(std::chrono::system_clock::now()));
    const auto before = old_kek_since;
    for (const auto& [store, names] : stores.old_key_objects())
    {
        if (transit_store(stores, store))
            continue;  // old wraps have their own alert: VaultkeeperKeeperTransitWrapAtRisk
        auto since = old_kek_since.count(store) ? std::optional(old_kek_since[store]) : std::nullopt;
        if (auto next = old_kek_first_seen(since, static_cast<int>(names.size()), now))
            old_kek_since[store] = *next;
        else
            old_kek_since.erase(store);
    }
    if (old_kek_since != before && !settings->state_dir.empty())
        if (auto w = save_old_kek_since(kek_since_path(settings->state_dir, job), old_kek_since); !w)
            ctx.warning(w.error());
}

json::object keeper_core::status() const
{
    json::array ns;
    for (const auto& n : nodes)
        ns.push_back(
            json::object{{"address", n.address}, {"state", to_string(n.state)}, {"detail", n.detail}});
    json::object sets;
    for (const auto& [set, per_store] : held)
    {
        json::object o;
        for (const auto& [store, count] : per_store)
            o[store] = count;
        sets[set] = std::move(o);
    }
    json::object procedure{
        {"step", step_label(record.st)},
        {"state", to_string(record.st)},
        {"current", set_json(record.current)},
        {"pending", set_json(record.pending)},
        {"previous", set_json(record.previous)},
        {"audit", record.audit ? json::value(record.audit->set) : json::value(nullptr)},
        {"seq", record.seq},
        {"waiting", waiting},
        {"rekey_requested", record.st == step::requested},  // recorded, not yet started in Vault
    };
    json::object out{
        {"nodes", std::move(ns)}, {"sets", std::move(sets)}, {"procedure", std::move(procedure)}};
    out["discovery"] = settings->nodes.empty() ? json::object{{"source", "raft"}, {"problem", discovery_note}}
                                               : json::object{{"source", "configured"}, {"problem", ""}};
    out["last_audit"] =
        record.last_audit_unix > 0
            ? json::value(json::object{{"set", record.last_audit_set}, {"unix", record.last_audit_unix}})
            : json::value(nullptr);
    out["last_rekey_unix"] = record.last_rekey_unix;
    out["stores"] = stores_json(stores, old_kek_since);
    out["stopped"] = stopped;
    return out;
}

}  // namespace vk::keeper
