// Decoders of sys/* and auth replies (health, seal status, init, leader, mounts, capabilities, tokens).
#include "vault/model/decode.hpp"
#include "vault/model/json_reader.hpp"

#include <algorithm>

namespace vk::vault {

namespace json = boost::json;
using detail::json_reader;
using detail::malformed;

namespace {

template <class T> result<T> finish(const json_reader& r, T value)
{
    if (!r.ok())
        return malformed(r.problem());
    return value;
}

}  // namespace

result<health> decode_health(unsigned status, std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    health h;
    h.status = status;
    h.initialized = r.boolean("initialized");
    h.sealed = r.boolean("sealed");
    h.standby = r.boolean("standby");
    h.performance_standby = r.boolean("performance_standby");
    h.version = r.str("version");
    h.cluster_name = r.str("cluster_name");
    h.cluster_id = r.str("cluster_id");
    h.server_time_utc = r.i64("server_time_utc");
    return finish(r, std::move(h));
}

result<seal_status> decode_seal_status(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    seal_status s;
    s.type = r.str("type");
    s.initialized = r.boolean("initialized");
    s.sealed = r.boolean("sealed");
    s.t = static_cast<unsigned>(r.u64("t"));
    s.n = static_cast<unsigned>(r.u64("n"));
    s.progress = static_cast<unsigned>(r.u64("progress"));
    s.nonce = r.str("nonce");
    s.version = r.str("version");
    s.cluster_name = r.str("cluster_name");
    s.cluster_id = r.str("cluster_id");
    if (!o->contains("sealed"))
        r.fail("no sealed field");
    return finish(r, std::move(s));
}

result<init_result> decode_init(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    init_result out;
    out.keys = r.secrets("keys", "vault reply");
    out.keys_base64 = r.secrets("keys_base64", "vault reply");
    out.root_token = secret(r.str("root_token"), "vault init");
    if (r.ok() && out.root_token.empty())
        r.fail("no root_token");
    return finish(r, std::move(out));
}

result<leader> decode_leader(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader r(&*o);
    leader l;
    l.ha_enabled = r.boolean("ha_enabled");
    l.is_self = r.boolean("is_self");
    l.leader_address = r.str("leader_address");
    l.leader_cluster_address = r.str("leader_cluster_address");
    l.raft_committed_index = r.u64("raft_committed_index");
    l.raft_applied_index = r.u64("raft_applied_index");
    return finish(r, std::move(l));
}

result<std::vector<mount>> decode_mounts(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    // Vault copies data to the top level for sys/mounts; prefer data, accept the top level.
    const json::object* table = &*o;
    if (auto* d = o->if_contains("data"); d && d->is_object())
        table = &d->as_object();
    std::vector<mount> out;
    for (const auto& [path, v] : *table)
    {
        if (!v.is_object() || !v.as_object().contains("type"))
            continue;  // envelope fields (request_id, lease_id...) at the top level
        json_reader r(&v.as_object());
        mount m;
        m.path = std::string(path);
        m.type = r.str("type");
        m.description = r.str("description");
        m.accessor = r.str("accessor");
        json_reader opts(r.obj("options"));
        auto version = opts.str("version");
        if (m.type == "kv" || m.type == "generic")
            m.kv = (m.type == "kv" && version == "2") ? kv_version::v2 : kv_version::v1;
        if (!r.ok() || !opts.ok())
            return malformed("mount " + m.path + ": " + (r.ok() ? opts.problem() : r.problem()));
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const mount& a, const mount& b) { return a.path < b.path; });
    return out;
}

result<std::map<std::string, std::vector<std::string>>>
decode_capabilities(std::string_view body, const std::vector<std::string>& paths)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    const json::object* table = &*o;
    if (auto* d = o->if_contains("data"); d && d->is_object())
        table = &d->as_object();
    json_reader r(table);
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& p : paths)
    {
        auto caps = r.strings(p);
        if (caps.empty() && paths.size() == 1)
            caps = r.strings("capabilities");
        if (caps.empty())
            caps = {"deny"};
        out[p] = std::move(caps);
    }
    return finish(r, std::move(out));
}

result<token_info> decode_token_lookup(std::string_view body)
{
    auto d = detail::envelope_data(body);
    if (!d)
        return d.error();
    json_reader r(&*d);
    token_info t;
    t.policies = r.strings("policies");
    t.ttl = std::chrono::seconds(r.i64("ttl"));
    t.creation_ttl = std::chrono::seconds(r.i64("creation_ttl"));
    t.explicit_max_ttl = std::chrono::seconds(r.i64("explicit_max_ttl"));
    if (auto e = r.str("expire_time"); !e.empty())
        t.expire_time = e;
    t.renewable = r.boolean("renewable");
    t.root = std::find(t.policies.begin(), t.policies.end(), "root") != t.policies.end();
    return finish(r, std::move(t));
}

result<auth_result> decode_auth(std::string_view body)
{
    auto o = detail::parse_object(body);
    if (!o)
        return o.error();
    json_reader top(&*o);
    json_reader r(top.obj("auth"));
    auth_result a;
    a.token = secret(r.str("client_token"), "vault login");
    a.info.policies = r.strings("policies");
    a.info.ttl = std::chrono::seconds(r.i64("lease_duration"));
    a.info.creation_ttl = a.info.ttl;
    a.info.renewable = r.boolean("renewable");
    a.info.root = std::find(a.info.policies.begin(), a.info.policies.end(), "root") != a.info.policies.end();
    if (!top.ok())
        return malformed(top.problem());
    if (r.ok() && a.token.empty())
        r.fail("no auth.client_token");
    return finish(r, std::move(a));
}

}  // namespace vk::vault
