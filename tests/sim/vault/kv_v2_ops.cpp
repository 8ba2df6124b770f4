// KV v2 metadata, version lifecycle (delete/undelete/destroy) and mount config endpoints.
#include "kv_v2_ops.hpp"

#include "kv_v2_record.hpp"

namespace vsim::kv2 {

std::string record_key(const call& c, std::string_view key)
{
    return key_prefix(c.mount.data_prefix()) + std::string(key);
}

namespace {

response list_keys(call& c, std::string_view dir)
{
    auto keys = c.st.list(record_key(c, dir));
    if (auto ex = weak_bool(field(c.req, "exclude_deleted")); ex && *ex)
    {
        std::erase_if(keys, [&](const std::string& k) {
            if (k.ends_with('/'))
                return false;
            auto r = load(c.st, record_key(c, dir) + k);
            if (!r)
                return true;
            auto it = r->versions.find(r->current_version);
            return it == r->versions.end() || it->second.destroyed || it->second.deleted_at(c.now_ns);
        });
    }
    return list_response(std::move(keys), c.mount.mount_type());
}

// Applies the metadata/ write fields to r; returns an error message on a malformed field.
std::optional<std::string> apply_metadata(const request& req, record& r)
{
    auto& body = body_of(req);
    if (auto* v = body.if_contains("max_versions"))
    {
        auto n = weak_int(*v);
        if (!n || *n < 0)
            return "max_versions must be a non-negative integer";
        r.max_versions = *n;
    }
    if (auto* v = body.if_contains("cas_required"))
    {
        auto b = weak_bool(*v);
        if (!b)
            return "cas_required must be a boolean";
        r.cas_required = *b;
    }
    if (auto* v = body.if_contains("delete_version_after"))
    {
        auto s = parse_seconds(*v);
        if (!s)
            return "delete_version_after must be a duration";
        r.delete_version_after = *s < 0 ? 0 : *s;
    }
    if (auto* v = body.if_contains("custom_metadata"))
    {
        if (!v->is_object() && !v->is_null())
            return "custom_metadata must be a map of strings";
        if (v->is_object())
            for (auto& kv : v->get_object())
                if (!kv.value().is_string())
                    return "custom_metadata must be a map of strings";
        r.custom_metadata = v->is_object() && v->get_object().empty() ? json::value(nullptr) : *v;
    }
    return std::nullopt;
}

response write_metadata(call& c, std::string_view key)
{
    std::string skey = record_key(c, key);
    record r = load(c.st, skey).value_or(record{});
    if (auto err = apply_metadata(c.req, r))
        return error(400, {*err});
    if (r.created_ns == 0)
        r.created_ns = c.now_ns;
    r.updated_ns = c.now_ns;
    prune(r, load_config(c.st, c.mount.data_prefix()));
    save(c.st, skey, r);
    return no_content();
}

// The versions parameter of delete/undelete/destroy: ints, numeric strings, or one comma-separated string.
std::optional<std::vector<std::int64_t>> parse_versions(const json::value& v)
{
    std::vector<std::int64_t> out;
    if (v.is_null())
        return out;
    if (v.is_array())
    {
        for (auto& e : v.get_array())
        {
            auto n = weak_int(e);
            if (!n)
                return std::nullopt;
            out.push_back(*n);
        }
        return out;
    }
    auto parts = weak_strings(v.is_string() ? v : json::value(json::serialize(v)));
    if (!parts)
        return std::nullopt;
    for (auto& p : *parts)
    {
        auto n = weak_int(json::value(p));
        if (!n)
            return std::nullopt;
        out.push_back(*n);
    }
    return out;
}

void apply_verb(record& r, std::string_view verb, std::int64_t v, std::int64_t now_ns)
{
    auto it = r.versions.find(v);
    if (it == r.versions.end() || it->second.destroyed)
        return;
    if (verb == "delete" && !it->second.deleted_at(now_ns))
        it->second.deletion_ns = now_ns;
    else if (verb == "undelete")
        it->second.deletion_ns = 0;
    else if (verb == "destroy")
    {
        it->second.destroyed = true;
        it->second.data = nullptr;
    }
}

}  // namespace

response metadata_endpoint(call& c, std::string_view key)
{
    if (c.op == "list")
        return list_keys(c, key);
    if (key.empty())
        return error(405, {"unsupported operation"});
    if (c.op == "read")
    {
        auto r = load(c.st, record_key(c, key));
        if (!r)
            return not_found();
        return ok(metadata_json(*r), c.mount.mount_type());
    }
    if (c.op == "create" || c.op == "update")
        return write_metadata(c, key);
    if (c.op == "delete")
    {
        c.st.del(record_key(c, key));
        return no_content();
    }
    return error(405, {"unsupported operation"});
}

response versions_endpoint(call& c, std::string_view verb, std::string_view key)
{
    if (c.op != "create" && c.op != "update")
        return error(405, {"unsupported operation"});
    auto versions = parse_versions(field(c.req, "versions"));
    if (!versions)
        return error(400, {"error parsing versions"});
    if (versions->empty())
        return error(400, {verb == "destroy" ? "no version number provided" : "No version number provided"});
    std::string skey = record_key(c, key);
    auto r = load(c.st, skey);
    if (!r)
        return no_content();
    for (auto v : *versions)
        apply_verb(*r, verb, v, c.now_ns);
    save(c.st, skey, *r);
    return no_content();
}

response config_endpoint(call& c)
{
    config cfg = load_config(c.st, c.mount.data_prefix());
    if (c.op == "read")
        return ok(json::object{{"cas_required", cfg.cas_required},
                               {"delete_version_after", go_duration(cfg.delete_version_after)},
                               {"max_versions", cfg.max_versions}},
                  c.mount.mount_type());
    if (c.op != "create" && c.op != "update")
        return error(405, {"unsupported operation"});
    record tmp{cfg.cas_required, cfg.max_versions, cfg.delete_version_after};
    if (auto err = apply_metadata(c.req, tmp))
        return error(400, {*err});
    save_config(c.st, c.mount.data_prefix(),
                config{tmp.max_versions, tmp.cas_required, tmp.delete_version_after});
    return no_content();
}

}  // namespace vsim::kv2
