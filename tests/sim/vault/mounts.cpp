// Mount tables: JSON (de)serialisation to storage, conflict checks and longest-prefix routing.
#include "mounts.hpp"

#include <algorithm>

namespace vsim {

namespace {

constexpr std::string_view engines_key = "core/mounts";
constexpr std::string_view auth_key = "core/auth";

std::string plugin_version(const mount_entry& m)
{
    // Vault reports builtin plugin versions; KV is a separate plugin with its own version line.
    return m.type == "kv" ? "v0.16.1+builtin" : "v1.15.2+builtin.vault";
}

json::object stored(const mount_entry& m)
{
    return {{"path", m.path},   {"type", m.type},          {"version", m.version},
            {"uuid", m.uuid},   {"accessor", m.accessor},  {"description", m.description},
            {"local", m.local}, {"seal_wrap", m.seal_wrap}};
}

mount_entry parse_stored(const json::object& o, bool auth)
{
    mount_entry m;
    auto str = [&](std::string_view k) {
        auto* v = o.if_contains(k);
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    auto flag = [&](std::string_view k) {
        auto* v = o.if_contains(k);
        return v && v->is_bool() && v->get_bool();
    };
    m.path = str("path");
    m.type = str("type");
    m.version = str("version");
    m.uuid = str("uuid");
    m.accessor = str("accessor");
    m.description = str("description");
    m.local = flag("local");
    m.seal_wrap = flag("seal_wrap");
    m.auth = auth;
    return m;
}

void load_table(const storage& st, std::string_view key, bool auth, std::vector<mount_entry>& out)
{
    const std::string* raw = st.find(key);
    if (!raw)
        return;
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_array())
        return;
    for (auto& e : v.get_array())
        if (e.is_object())
            out.push_back(parse_stored(e.get_object(), auth));
}

}  // namespace

json::object mount_to_json(const mount_entry& m)
{
    json::object cfg{{"default_lease_ttl", 0}, {"max_lease_ttl", 0}, {"force_no_cache", false}};
    if (m.auth)
        cfg["token_type"] = "default-service";
    json::value options = nullptr;
    if (!m.version.empty())
        options = json::object{{"version", m.version}};
    return {{"accessor", m.accessor},
            {"config", std::move(cfg)},
            {"deprecation_status", "supported"},
            {"description", m.description},
            {"external_entropy_access", false},
            {"local", m.local},
            {"options", std::move(options)},
            {"plugin_version", ""},
            {"running_plugin_version", plugin_version(m)},
            {"running_sha256", ""},
            {"seal_wrap", m.seal_wrap},
            {"type", m.type},
            {"uuid", m.uuid}};
}

void mount_table::sync(const storage& st)
{
    const std::string* e = st.find(engines_key);
    const std::string* a = st.find(auth_key);
    std::string_view ev = e ? std::string_view(*e) : std::string_view();
    std::string_view av = a ? std::string_view(*a) : std::string_view();
    // The stored JSON is the source of truth (snapshot restores replace it); re-parse only when it changed.
    if (ev == raw_engines_ && av == raw_auth_)
        return;
    raw_engines_ = ev;
    raw_auth_ = av;
    mounts_.clear();
    load_table(st, engines_key, false, mounts_);
    load_table(st, auth_key, true, mounts_);
}

void mount_table::save(storage& st) const
{
    json::array engines, auth;
    for (auto& m : mounts_)
        (m.auth ? auth : engines).push_back(stored(m));
    st.put(std::string(engines_key), json::serialize(engines));
    st.put(std::string(auth_key), json::serialize(auth));
}

const mount_entry* mount_table::route(std::string_view path) const
{
    const mount_entry* best = nullptr;
    std::size_t best_len = 0;
    for (auto& m : mounts_)
    {
        std::string r = m.route();
        // "secret" (no slash) also routes to "secret/", as Vault's router matches the mount itself.
        bool hit = path.starts_with(r) || path == std::string_view(r).substr(0, r.size() - 1);
        if (hit && r.size() > best_len)
        {
            best = &m;
            best_len = r.size();
        }
    }
    return best;
}

const mount_entry* mount_table::find(std::string_view table_path, bool auth) const
{
    for (auto& m : mounts_)
        if (m.auth == auth && m.path == table_path)
            return &m;
    return nullptr;
}

std::optional<std::string> mount_table::add(mount_entry m)
{
    for (auto& e : mounts_)
    {
        if (e.auth != m.auth)
            continue;
        if (m.path.starts_with(e.path) || e.path.starts_with(m.path))
            return "path is already in use at " + e.route();
    }
    if (m.uuid.empty())
        m.uuid = new_uuid();
    if (m.accessor.empty())
        m.accessor = (m.auth ? "auth_" : "") + m.type + "_" + new_uuid().substr(0, 8);
    mounts_.push_back(std::move(m));
    return std::nullopt;
}

bool mount_table::remove(std::string_view table_path, bool auth)
{
    auto it = std::find_if(mounts_.begin(), mounts_.end(),
                           [&](const mount_entry& m) { return m.auth == auth && m.path == table_path; });
    if (it == mounts_.end())
        return false;
    mounts_.erase(it);
    return true;
}

bool mount_table::set_version(std::string_view table_path, std::string version)
{
    for (auto& m : mounts_)
    {
        if (!m.auth && m.path == table_path)
        {
            m.version = std::move(version);
            return true;
        }
    }
    return false;
}

mount_entry default_mount(std::string path, std::string type, std::string description, bool auth)
{
    mount_entry m;
    m.path = std::move(path);
    m.type = std::move(type);
    m.description = std::move(description);
    m.auth = auth;
    m.local = m.type == "cubbyhole";
    return m;
}

std::string normalize_mount_path(std::string_view p)
{
    while (!p.empty() && p.front() == '/')
        p.remove_prefix(1);
    std::string out(p);
    if (!out.empty() && out.back() != '/')
        out.push_back('/');
    return out;
}

}  // namespace vsim
