// Mount-table endpoints of the system backend (see sys_mounts.hpp).
#include "sys_mounts.hpp"

#include "jwt_auth.hpp"
#include "kv_v2_record.hpp"
#include "lease_store.hpp"

namespace vsim {

namespace {

json::object table_json(const mount_table& mt, bool auth)
{
    json::object o;
    for (auto& m : mt.all())
        if (m.auth == auth)
            o[m.path] = mount_to_json(m);
    return o;
}

// Engine type and options.version from an enable request; error text for unknown types.
std::optional<std::string> engine_kind(const request& req, mount_entry& m, bool auth)
{
    json::value t = field(req, "type");
    if (!t.is_string() || t.get_string().empty())
        return std::string("type is required");
    m.type = t.get_string();
    std::string version;
    if (auto* o = body_of(req).if_contains("options"); o && o->is_object())
        if (auto* v = o->get_object().if_contains("version"))
            version = v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
    if (auth)
        return m.type == "approle" || jwt::is_jwt_type(m.type)
                   ? std::nullopt
                   : std::optional<std::string>("unknown auth type: " + m.type);
    if (m.type == "kv-v2")
    {
        m.type = "kv";
        version = "2";
    }
    if (m.type == "kv")
    {
        m.version = version == "2" ? "2" : "1";
        return std::nullopt;
    }
    if (m.type == "generic" || m.type == "database" || m.type == "pki" || m.type == "transit")
        return std::nullopt;
    return "plugin not found in the catalog: " + m.type;
}

response enable(call& c, mount_table& mt, std::string path, bool auth)
{
    if (path.empty())
        return error(400, {"missing path"});
    mount_entry m;
    m.auth = auth;
    m.path = path;
    if (auto err = engine_kind(c.req, m, auth))
        return error(400, {*err});
    json::value d = field(c.req, "description");
    m.description = d.is_string() ? std::string(d.get_string()) : "";
    if (!auth && (path.starts_with("auth/") || path.starts_with("sys/")))
        return error(400, {"cannot mount under reserved path \"" + path + "\""});
    if (auto err = mt.add(std::move(m)))
        return error(400, {*err});
    mt.save(c.st);
    return no_content();
}

response disable(call& c, mount_table& mt, const std::string& path, bool auth)
{
    const mount_entry* m = mt.find(path, auth);
    if (!m)
        return no_content();
    if (m->type == "system" || m->type == "cubbyhole" || m->type == "identity" || m->type == "token")
        return error(
            400, {auth ? "token credential backend cannot be disabled" : "cannot unmount \"" + path + "\""});
    std::string prefix = m->data_prefix();
    mt.remove(path, auth);
    mt.save(c.st);
    c.st.del_prefix(prefix);
    // Unmounting revokes every lease the engine handed out (Vault's unmount calls RevokePrefix).
    if (!auth)
        leases::revoke_prefix(c.st, path);
    return no_content();
}

// KV v1 -> v2 upgrade: every flat value becomes version 1 of a versioned record, as Vault's upgrade does.
void upgrade_kv(storage& st, const mount_entry& m, std::int64_t now_ns)
{
    std::string prefix = kv2::key_prefix(m.data_prefix());
    std::vector<std::pair<std::string, std::string>> rewritten;
    for (auto it = st.entries().lower_bound(prefix);
         it != st.entries().end() && it->first.starts_with(prefix); ++it)
        rewritten.emplace_back(it->first, kv2::synthetic_record(now_ns, it->second));
    for (auto& [k, v] : rewritten)
        st.put(k, std::move(v));
}

response tune(call& c, mount_table& mt, const std::string& path, bool auth)
{
    const mount_entry* m = mt.find(path, auth);
    if (!m)
        return error(400, {"cannot fetch sysview for path \"" + path + "\""});
    if (c.op == "read")
    {
        json::object d{{"default_lease_ttl", 2764800},
                       {"description", m->description},
                       {"force_no_cache", false},
                       {"max_lease_ttl", 2764800}};
        if (!m->version.empty())
            d["options"] = json::object{{"version", m->version}};
        return ok_sys(std::move(d));
    }
    if (c.op != "create" && c.op != "update")
        return error(405, {"unsupported operation"});
    std::string version;
    if (auto* o = body_of(c.req).if_contains("options"); o && o->is_object())
        if (auto* v = o->get_object().if_contains("version"); v && v->is_string())
            version = v->get_string();
    if (m->type == "kv" && m->version != "2" && version == "2")
    {
        upgrade_kv(c.st, *m, c.now_ns);
        mt.set_version(path, "2");
        mt.save(c.st);
    }
    else if (m->type == "kv" && m->version == "2" && version == "1")
    {
        return error(400, {"cannot downgrade mount from versioned to non-versioned"});
    }
    return no_content();
}

response one_mount(call& c, mount_table& mt, const std::string& path, bool auth)
{
    if (path.ends_with("/tune/"))
        return tune(c, mt, path.substr(0, path.size() - 5), auth);
    bool write = c.op == "create" || c.op == "update";
    if (write)
        return enable(c, mt, path, auth);
    if (c.op == "delete")
        return disable(c, mt, path, auth);
    if (c.op != "read")
        return error(405, {"unsupported operation"});
    const mount_entry* m = mt.find(path, auth);
    if (!m)
        return error(400, {(auth ? "No auth engine at " : "No secret engine mount at ") + path});
    return ok_sys(mount_to_json(*m));
}

response ui_mount(call& c, mount_table& mt, std::string_view path)
{
    if (c.op != "read")
        return error(405, {"unsupported operation"});
    const mount_entry* m = mt.route(normalize_mount_path(path));
    // Vault answers an unknown mount like a failed preflight check, so the CLI prints a useful hint.
    if (!m)
        return error(403, {"preflight capability check returned 403, please ensure client's policies grant "
                           "access to path \"" +
                           std::string(path) + "/\""});
    json::object d = mount_to_json(*m);
    d["path"] = m->route();
    return ok(std::move(d), "system");
}

}  // namespace

std::optional<response> sys_mounts(call& c, mount_table& mt, std::string_view sub)
{
    for (bool auth : {false, true})
    {
        std::string_view base = auth ? "auth" : "mounts";
        if (sub == base || sub == std::string(base) + "/")
        {
            if (c.op != "read")
                return error(405, {"unsupported operation"});
            return ok_sys(table_json(mt, auth));
        }
        if (sub.starts_with(std::string(base) + "/"))
            return one_mount(c, mt, normalize_mount_path(sub.substr(base.size() + 1)), auth);
    }
    if (sub.starts_with("internal/ui/mounts/"))
        return ui_mount(c, mt, sub.substr(19));
    return std::nullopt;
}

}  // namespace vsim
