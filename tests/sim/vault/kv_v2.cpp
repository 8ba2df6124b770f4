// KV v2 data endpoints: read (with ?version), write with check-and-set, merge PATCH and soft delete.
#include "kv_v2.hpp"

#include "kv_v2_ops.hpp"
#include "kv_v2_record.hpp"

namespace vsim::kv2 {

namespace {

constexpr std::string_view invalid_path_warning =
    "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to "
    "use. "
    "If using the Vault CLI, use 'vault kv get' for this operation.";

response read_data(call& c, std::string_view key)
{
    auto r = load(c.st, record_key(c, key));
    if (!r || r->current_version == 0)
        return not_found();
    std::int64_t v = r->current_version;
    json::value qv = field(c.req, "version");
    if (!qv.is_null())
    {
        auto n = weak_int(qv);
        if (!n)
            return error(400, {"error parsing version parameter"});
        if (*n != 0)
            v = *n;
    }
    auto it = r->versions.find(v);
    if (it == r->versions.end())
        return not_found();
    json::object meta = version_metadata(*r, v);
    if (it->second.destroyed || it->second.deleted_at(c.now_ns))
    {
        // Vault answers 404 yet keeps the envelope, so clients can see deletion_time/destroyed.
        return response{404,
                        json::value(envelope(json::object{{"data", nullptr}, {"metadata", std::move(meta)}},
                                             c.mount.mount_type())),
                        {}};
    }
    return ok(json::object{{"data", it->second.data}, {"metadata", std::move(meta)}}, c.mount.mount_type());
}

// Check-and-set rules shared by write and patch; returns an error message or nullopt.
std::optional<std::string> check_cas(const call& c, const record& r, const config& cfg)
{
    const json::value* cas = nullptr;
    auto& body = body_of(c.req);
    if (auto* opts = body.if_contains("options"); opts && opts->is_object())
        cas = opts->get_object().if_contains("cas");
    if (!cas || cas->is_null())
    {
        if (cfg.cas_required || r.cas_required)
            return "check-and-set parameter required for this call";
        return std::nullopt;
    }
    auto n = weak_int(*cas);
    if (!n)
        return "error parsing check-and-set parameter";
    if (*n != r.current_version)
        return "check-and-set parameter did not match the current version";
    return std::nullopt;
}

response store_version(call& c, const std::string& skey, record r, const config& cfg, json::value data)
{
    std::int64_t v = r.current_version + 1;
    version ver{c.now_ns, 0, false, std::move(data)};
    std::int64_t dva = r.delete_version_after ? r.delete_version_after : cfg.delete_version_after;
    if (dva > 0)
        ver.deletion_ns = c.now_ns + dva * 1000000000;
    if (r.created_ns == 0)
        r.created_ns = c.now_ns;
    r.updated_ns = c.now_ns;
    r.current_version = v;
    r.versions[v] = std::move(ver);
    prune(r, cfg);
    save(c.st, skey, r);
    return ok(version_metadata(r, v), c.mount.mount_type());
}

response write_data(call& c, std::string_view key)
{
    auto& body = body_of(c.req);
    auto* data = body.if_contains("data");
    if (!data || data->is_null())
        return error(400, {"no data provided"});
    if (!data->is_object())
        return error(400, {"error parsing data"});
    std::string skey = record_key(c, key);
    record r = load(c.st, skey).value_or(record{});
    config cfg = load_config(c.st, c.mount.data_prefix());
    if (auto err = check_cas(c, r, cfg))
        return error(400, {*err});
    return store_version(c, skey, std::move(r), cfg, *data);
}

// RFC 7386 JSON merge patch: null removes a key, objects merge recursively, anything else replaces.
void merge_patch(json::object& target, const json::object& patch)
{
    for (auto& kv : patch)
    {
        if (kv.value().is_null())
        {
            target.erase(kv.key());
        }
        else if (kv.value().is_object())
        {
            json::value& t = target[kv.key()];
            if (!t.is_object())
                t = json::object{};
            merge_patch(t.get_object(), kv.value().get_object());
        }
        else
        {
            target[kv.key()] = kv.value();
        }
    }
}

response patch_data(call& c, std::string_view key)
{
    auto& body = body_of(c.req);
    auto* data = body.if_contains("data");
    if (!data || !data->is_object())
        return error(400, {"no data provided"});
    std::string skey = record_key(c, key);
    auto r = load(c.st, skey);
    if (!r || r->current_version == 0)
        return not_found();
    auto& cur = r->versions[r->current_version];
    if (cur.destroyed || cur.deleted_at(c.now_ns))
        return not_found();
    config cfg = load_config(c.st, c.mount.data_prefix());
    if (auto err = check_cas(c, *r, cfg))
        return error(400, {*err});
    json::value merged = cur.data.is_object() ? cur.data : json::object{};
    merge_patch(merged.get_object(), data->get_object());
    return store_version(c, skey, std::move(*r), cfg, std::move(merged));
}

response delete_latest(call& c, std::string_view key)
{
    std::string skey = record_key(c, key);
    auto r = load(c.st, skey);
    if (!r || r->current_version == 0)
        return no_content();
    auto it = r->versions.find(r->current_version);
    if (it == r->versions.end() || it->second.destroyed || it->second.deleted_at(c.now_ns))
        return no_content();
    it->second.deletion_ns = c.now_ns;
    r->updated_ns = c.now_ns;
    save(c.st, skey, *r);
    return no_content();
}

response data_endpoint(call& c, std::string_view key)
{
    if (c.op == "read")
        return read_data(c, key);
    if (c.op == "create" || c.op == "update")
        return write_data(c, key);
    if (c.op == "patch")
        return patch_data(c, key);
    if (c.op == "delete")
        return delete_latest(c, key);
    return error(405, {"unsupported operation"});
}

response invalid_path(const call& c)
{
    json::object o = envelope(nullptr, c.mount.mount_type());
    o["warnings"] = json::array{json::value(invalid_path_warning)};
    return response{404, json::value(std::move(o)), {}};
}

}  // namespace

bool exists(const storage& st, const mount_entry& m, std::string_view rel)
{
    for (std::string_view p : {"data/", "metadata/"})
        if (rel.starts_with(p))
            return st.find(key_prefix(m.data_prefix()) + std::string(rel.substr(p.size()))) != nullptr;
    return true;
}

response handle(call& c)
{
    std::string_view rel = c.rel;
    if (rel.starts_with("data/") && rel.size() > 5 && c.op != "list")
        return data_endpoint(c, rel.substr(5));
    if (rel.starts_with("metadata/") || rel == "metadata")
        return metadata_endpoint(c, rel.size() > 9 ? rel.substr(9) : std::string_view());
    for (std::string_view verb : {"delete/", "undelete/", "destroy/"})
        if (rel.starts_with(verb) && rel.size() > verb.size())
            return versions_endpoint(c, verb.substr(0, verb.size() - 1), rel.substr(verb.size()));
    if (rel == "config")
        return config_endpoint(c);
    return invalid_path(c);
}

}  // namespace vsim::kv2
