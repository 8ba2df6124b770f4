// Lucretius snapshot.json -> snapshot settings (see agent_config.hpp). Key list from the agent's
// config/config.go: addr, retain, frequency, role_id, secret_id, approle, vault_auth_method, k8s_auth_role,
// k8s_auth_path, local_storage, aws_storage, google_storage, azure_storage.
#include "snapshot/model/agent_config.hpp"

namespace vk::snapshot {
namespace {

std::string find_vault(object_reader& a, const vk::config& cfg, const std::string& job_vault)
{
    auto addr = a.string("addr");
    if (!addr)
        return job_vault;
    while (addr->ends_with("/"))
        addr->pop_back();
    for (const auto& [name, v] : cfg.vaults)
        if (v.address == *addr && (job_vault.empty() || job_vault == name))
            return name;
    a.problem("addr", job_vault.empty() ? "no vault in /vaults has the address " + *addr
                                        : "differs from the address of vault \"" + job_vault + "\"");
    return job_vault;
}

std::string mount_of(const vault_auth_config& a)
{
    return a.mount.empty() ? a.method : a.mount;
}

// The agent's credentials must be the ones the job's vault logs in with: vaultkeeper keeps credentials in
// /vaults, one place for every job.
void check_auth(object_reader& a, const vault_config* v)
{
    const auto method = a.string_or("vault_auth_method", "");
    auto role_id = a.secret_value("role_id");
    auto secret_id = a.secret_value("secret_id");
    const auto approle = a.string_or("approle", "approle");
    // The agent's README calls them vault_auth_role / vault_auth_path; its code reads the k8s_ names.
    const auto k8s_role = a.string_or("k8s_auth_role", a.string_or("vault_auth_role", ""));
    const auto k8s_path = a.string_or("k8s_auth_path", a.string_or("vault_auth_path", "kubernetes"));
    if (!v)
        return;
    const auto& auth = v->auth;
    const std::string where = "the auth of vault \"" + v->name + "\" (/vaults/" + v->name + "/auth)";
    if (method == "k8s")
    {
        if (auth.method != "kubernetes" || auth.role != k8s_role || mount_of(auth) != k8s_path)
            a.problem("vault_auth_method", "Kubernetes auth differs from " + where);
        return;
    }
    if (!role_id && !secret_id)
        return;
    const bool same = auth.method == "approle" && mount_of(auth) == approle && auth.role_id && role_id &&
                      *auth.role_id == *role_id && auth.secret_id && secret_id &&
                      *auth.secret_id == *secret_id;
    if (!same)
        a.problem(role_id ? "role_id" : "secret_id", "AppRole credentials differ from " + where);
}

std::optional<secret> env_override(const object_reader& r, const char* name)
{
    if (auto v = r.inputs().env(name); v && !v->empty())
        return secret(*v, std::string("env ") + name);
    return std::nullopt;
}

storage_settings storage_of(storage_spec spec, std::size_t retain)
{
    storage_settings s;
    std::visit([&](const auto& x) { s.name = x.name; }, spec);
    s.spec = std::move(spec);
    s.retention.retain = retain;
    return s;
}

void map_local(object_reader& a, std::size_t retain, std::vector<storage_settings>& out)
{
    auto o = a.object("local_storage");
    if (!o)
        return;
    local_storage_settings s{"local", o->string_or("path", "")};
    o->finish();
    if (!s.path.empty())
        out.push_back(storage_of(std::move(s), retain));
}

void map_aws(object_reader& a, std::size_t retain, std::vector<storage_settings>& out)
{
    auto o = a.object("aws_storage");
    if (!o)
        return;
    s3_storage_settings s;
    s.name = "s3";
    s.access_key_id = o->secret_value("access_key_id");
    s.secret_access_key = o->secret_value("secret_access_key");
    s.endpoint = o->string_or("s3_endpoint", "");
    s.region = o->string_or("s3_region", s.region);
    s.bucket = o->string_or("s3_bucket", "");
    // The agent writes <s3_key_prefix>/<name>, "raft_snapshots" by default.
    s.key_prefix = o->string_or("s3_key_prefix", "raft_snapshots") + "/";
    if (o->boolean_or("s3_server_side_encryption", false))
        s.server_side_encryption.type = "AES256";
    s.force_path_style = o->boolean_or("s3_force_path_style", false);
    if (!o->string_or("s3_static_snapshot_name", "").empty())
        o->problem("s3_static_snapshot_name",
                   "not supported: vaultkeeper names every snapshot by its time and "
                   "keeps `retain` of them (remove the key)");
    o->finish();
    if (!s.bucket.empty())
        out.push_back(storage_of(std::move(s), retain));
}

void map_google(object_reader& a)
{
    auto o = a.object("google_storage");
    if (!o)
        return;
    if (!o->string_or("bucket", "").empty())
        o->problem("bucket",
                   "GCS with the machine's default credentials is not supported: add a \"gcs\" storage "
                   "with HMAC keys to the job's \"storages\" and remove google_storage");
    o->finish();
}

void map_azure(object_reader& a, std::size_t retain, std::vector<storage_settings>& out)
{
    auto o = a.object("azure_storage");
    if (!o)
        return;
    azure_storage_settings s;
    s.name = "azure";
    s.account_name = o->string_or("account_name", "");
    auto key = o->secret_value("account_key");
    s.container = o->string_or("container_name", "");
    o->finish();
    if (auto acct = env_override(a, "AZURE_STORAGE_ACCOUNT"))
        s.account_name = acct->reveal();
    if (auto k = env_override(a, "AZURE_STORAGE_ACCESS_KEY"))
        key = std::move(k);
    if (s.account_name.empty())
        return;
    if (!key || s.container.empty())
        a.problem("azure_storage", "account_key and container_name are required with account_name");
    s.account_key = key.value_or(secret{});
    out.push_back(storage_of(std::move(s), retain));
}

}  // namespace

name_format agent_name_format()
{
    return name_format{"raft_snapshot-", ".snap", timestamp_style::unix_nano};
}

agent_mapping map_agent_config(const boost::json::value& doc, const vk::config& cfg,
                               const std::string& job_vault, config_problems& problems,
                               const config_inputs& inputs)
{
    agent_mapping m;
    object_reader a(doc, "", problems, inputs);
    if (!a.is_object())
        return m;
    m.vault = find_vault(a, cfg, job_vault);
    auto v = cfg.vaults.find(m.vault);
    check_auth(a, v == cfg.vaults.end() ? nullptr : &v->second);
    // The agent: 0 keeps everything; an empty or unparsable frequency means 1h.
    const auto retain = static_cast<std::size_t>(a.integer_or("retain", 0, 1'000'000, 0));
    if (auto f = parse_duration(a.string_or("frequency", "")); f && f->count() > 0)
        m.frequency = *f;
    map_local(a, retain, m.storages);
    map_aws(a, retain, m.storages);
    map_google(a);
    map_azure(a, retain, m.storages);
    a.finish();
    return m;
}

}  // namespace vk::snapshot
