// Reads a keeper job's keys: the vault, nodes, init, the shard stores and the custodians, with the placement
// rules checked here so --check-config (and start-up) reject a layout that one store or one lost store
// breaks.
#include "keeper/model/settings.hpp"

#include "core/read_file.hpp"
#include "keeper/model/object_name.hpp"
#include "keeper/model/placement.hpp"
#include "keeper/model/store_location.hpp"

#include <cctype>
#include <set>

namespace vk::keeper {
namespace {

bool valid_store_name(const std::string& n)
{
    if (n.empty() || n.size() > 63)
        return false;
    for (char c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

bool is_http_url(const std::string& s)
{
    return s.starts_with("http://") || s.starts_with("https://");
}

// "kek" of a sealing store (file, s3, gcs, azure): another Vault's transit key, or a static ring.
void read_store_kek(object_reader& r, kek_ring& ring, std::optional<transit_kek>& transit,
                    const vk::config& cfg, const std::string& job_vault)
{
    if (is_transit_kek(r, "kek"))
        transit = read_transit_kek(r, "kek", cfg, job_vault);
    else if (auto kek = read_kek(r, "kek"))
        ring = std::move(*kek);
}

void read_file_store(object_reader& r, file_store_settings& f, const vk::config& cfg,
                     const std::string& job_vault)
{
    f.path = r.string("path", need::required).value_or("");
    if (!f.path.empty() && f.path.front() != '/')
        r.problem("path", "must be an absolute directory path");
    read_store_kek(r, f.kek, f.transit, cfg, job_vault);
}

void read_namespace(object_reader& r, kubernetes_store_settings& k, need n)
{
    k.ns = r.string("namespace", n).value_or("");
    if (r.has("namespace") && !valid_object_name(k.ns))
        r.problem("namespace", "must be a Kubernetes namespace name ([a-z0-9.-])");
}

// "kubernetes": "<name>": the cluster's access instead of api_server, token and ca_file.
void read_cluster_reference(object_reader& r, kubernetes_store_settings& k, const vk::config& cfg)
{
    auto cluster = r.string("kubernetes").value_or("");
    if (auto it = cfg.kubernetes.find(cluster); it != cfg.kubernetes.end())
        k.cluster = it->second;
    else
        r.problem("kubernetes",
                  "no kubernetes cluster named \"" + cluster + "\" is defined under /kubernetes");
    for (const char* key : {"api_server", "token", "ca_file"})
        if (r.raw(key))
            r.problem(key, "cannot be given with kubernetes (the cluster's access is used)");
    read_namespace(r, k, need::optional);
}

void read_kubernetes_store(object_reader& r, kubernetes_store_settings& k, const vk::config& cfg)
{
    if (r.has("kubernetes"))
    {
        read_cluster_reference(r, k, cfg);
        return;
    }
    k.api_server = r.string("api_server", need::required).value_or("");
    if (!k.api_server.empty() && !is_http_url(k.api_server))
        r.problem("api_server", "must be an http:// or https:// URL");
    read_namespace(r, k, need::required);
    if (auto t = r.secret_value("token", need::required))
        k.token = std::move(*t);
    k.ca_file = r.string("ca_file");
}

// s3 / gcs / azure: the snapshot storage's keys of that type, the KEK, and whether the service does CAS.
void read_object_store(object_reader& r, const std::string& type, object_store_settings& o,
                       const vk::config& cfg, const std::string& job_vault)
{
    if (auto spec = cloud::read_object_storage(r, type, o.name))
        o.spec = std::move(*spec);
    read_store_kek(r, o.kek, o.transit, cfg, job_vault);
    o.cas = r.boolean_or("cas", true);
}

std::optional<store_settings> read_store(object_reader& r, const vk::config& cfg,
                                         const std::string& job_vault)
{
    auto name = r.string("name", need::required).value_or("");
    if (r.has("name") && !valid_store_name(name))
        r.problem("name", "must be 1-63 letters, digits, '.', '_' or '-'");
    auto type = r.string("type", need::required);
    std::optional<store_settings> out;
    if (type == "file")
    {
        file_store_settings f{name, {}, {}, {}};
        read_file_store(r, f, cfg, job_vault);
        out = std::move(f);
    }
    else if (type == "kubernetes")
    {
        kubernetes_store_settings k;
        k.name = name;
        read_kubernetes_store(r, k, cfg);
        out = std::move(k);
    }
    else if (type == "s3" || type == "gcs" || type == "azure")
    {
        object_store_settings o;
        o.name = name;
        read_object_store(r, *type, o, cfg, job_vault);
        out = std::move(o);
    }
    else if (type)
        r.problem("type", "unknown store type \"" + *type + "\" (known: file, kubernetes, s3, gcs, azure)");
    r.finish();
    return out;
}

// A store where an earlier store of this job, or of a keeper job before this one, keeps its objects: both
// would write keeper-state and the same set-N-shard-M objects. A disabled job counts: it may be resumed.
void refuse_alias(object_reader& e, const store_settings& st, const std::vector<store_settings>& earlier,
                  const vk::config& cfg)
{
    const store_settings* other = aliased_store(st, earlier);
    std::string other_job;
    // cfg.jobs holds the jobs before this one (config.hpp); those with keeper settings, whatever their kind
    // was registered as.
    for (std::size_t i = 0; !other && i < cfg.jobs.size(); ++i)
        if (const auto* k = dynamic_cast<const keeper_settings*>(cfg.jobs[i].settings.get()))
            if ((other = aliased_store(st, k->stores)))
                other_job = cfg.jobs[i].name;
    if (other)
        e.problem(alias_key(st), alias_message(st, *other, other_job));
}

void read_stores(object_reader& r, keeper_settings& s, const vk::config& cfg)
{
    std::set<std::string> names;
    r.each_object(
        "stores",
        [&](object_reader& e) {
            auto st = read_store(e, cfg, s.vault);
            if (!st)
                return;
            if (!store_name(*st).empty() && !names.insert(store_name(*st)).second)
                e.problem("name", "another store has this name");
            refuse_alias(e, *st, s.stores, cfg);
            s.stores.push_back(std::move(*st));
        },
        need::required);
    if (r.has("stores") && s.stores.empty() && r.value()->at("stores").is_array() &&
        r.value()->at("stores").as_array().empty())
        r.problem("stores", "at least one store is required");
}

void read_init(object_reader& r, keeper_settings& s)
{
    auto i = r.object("init");
    if (!i)
        return;
    init_settings init;
    init.secret_shares = static_cast<int>(i->integer_or("secret_shares", 1, 255, 5));
    init.secret_threshold = static_cast<int>(i->integer_or("secret_threshold", 1, 255, 3));
    if (init.secret_threshold > init.secret_shares)
        i->problem("secret_threshold", "must not exceed secret_shares");
    init.root_token = i->one_of("root_token", {"revoke", "store"}, "revoke") == "store"
                          ? root_token_policy::store
                          : root_token_policy::revoke;
    i->finish();
    s.init = init;
}

// The custodian's key, read now so that --check-config names a missing file or one that holds no public key.
void read_custodian_key(object_reader& e, custodian_settings& c)
{
    auto text = vk::read_file(c.pgp_public_key_file);
    if (!text)
    {
        e.problem("pgp_public_key_file", "cannot read \"" + c.pgp_public_key_file + "\"");
        return;
    }
    auto key = read_public_key(*text);
    if (!key)
        e.problem("pgp_public_key_file", "\"" + c.pgp_public_key_file + "\": " + key.error().message);
    else
        c.key = std::move(*key);
}

// custodians: [{"name": ..., "pgp_public_key_file": ...}], names unique and store-name shaped (they appear
// in routes: /v1/keeper/{name}/custodians/{custodian}/share).
void read_custodians(object_reader& r, keeper_settings& s)
{
    std::set<std::string> names;
    r.each_object("custodians", [&](object_reader& e) {
        custodian_settings c;
        c.name = e.string("name", need::required).value_or("");
        if (e.has("name") && !valid_store_name(c.name))
            e.problem("name", "must be 1-63 letters, digits, '.', '_' or '-'");
        else if (!c.name.empty() && !names.insert(c.name).second)
            e.problem("name", "another custodian has this name");
        c.pgp_public_key_file = e.string("pgp_public_key_file", need::required).value_or("");
        if (e.has("pgp_public_key_file"))
            read_custodian_key(e, c);
        e.finish();
        s.custodians.push_back(std::move(c));
    });
    s.custodians_can_recover = r.boolean_or("custodians_can_recover", false);
}

void report(object_reader& r, const placement_problem& p)
{
    switch (p.key)
    {
    case placement_key::stores: r.problem("stores", p.message); break;
    case placement_key::custodians: r.problem("custodians", p.message); break;
    case placement_key::can_recover: r.problem("custodians_can_recover", p.message); break;
    case placement_key::custodian: {
        int i = 0;
        r.each_object("custodians", [&](object_reader& e) {
            if (i++ == p.index)
                e.problem("", p.message);
        });
        break;
    }
    }
}

// The placement rules, only over a store list that parsed whole (an unknown type already has its own
// message) and init counts that are sound (read_init reports those).
void check_placement_rules(object_reader& r, const keeper_settings& s)
{
    const auto* raw_stores = r.value() ? r.value()->if_contains("stores") : nullptr;
    bool whole = raw_stores && raw_stores->is_array() && raw_stores->as_array().size() == s.stores.size();
    if (!s.init || s.stores.empty() || !whole)
        return;
    placement_counts c{s.init->secret_shares, s.init->secret_threshold, static_cast<int>(s.stores.size()),
                       static_cast<int>(s.custodians.size()), s.custodians_can_recover};
    for (const auto& p : check_placement(c))
        report(r, p);
}

}  // namespace

const std::string& store_name(const store_settings& s)
{
    return std::visit([](const auto& v) -> const std::string& { return v.name; }, s);
}

std::shared_ptr<const vk::job_settings> parse_settings(object_reader& r, const vk::config& cfg)
{
    auto s = std::make_shared<keeper_settings>();
    s->vault = r.string("vault", need::required).value_or("");
    if (r.has("vault") && !cfg.vaults.contains(s->vault))
        r.problem("vault", "no vault named \"" + s->vault + "\" in /vaults");
    s->nodes = r.string_list("nodes");
    for (const auto& n : s->nodes)
        if (!is_http_url(n))
            r.problem("nodes", "\"" + n + "\" is not an http:// or https:// URL");
    read_init(r, *s);
    read_stores(r, *s, cfg);
    s->rekey_interval = r.dur_or("rekey_interval", duration(0));
    s->kek_rotation_grace = r.dur_or("kek_rotation_grace", s->kek_rotation_grace);
    s->state_dir = r.string_or("state_dir", "");
    if (r.has("state_dir") && (s->state_dir.empty() || s->state_dir.front() != '/'))
        r.problem("state_dir", "must be an absolute path (a directory)");
    read_custodians(r, *s);
    check_placement_rules(r, *s);
    return s;
}

}  // namespace vk::keeper
