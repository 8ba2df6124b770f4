// Resolved views of the configuration and the reach of a shared block's change, for SIGHUP.
#include "core/config_reload.hpp"

#include "core/read_file.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>

namespace vk {
namespace json = boost::json;

namespace {

// A change detector, not a MAC: the view never leaves memory.
std::string digest(std::string_view data)
{
    return std::to_string(std::hash<std::string_view>{}(data));
}

// A file's contents, or a directory's files (ca_path) with their names, in name order.
std::string path_digest(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
    {
        std::set<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(path, ec))
            names.insert(e.path().string());
        std::string all;
        for (const auto& n : names)
            all += n + "\n" + read_file(n).value_or("") + "\n";
        return digest(all);
    }
    auto text = read_file(path);
    return text ? digest(*text) : "unreadable";
}

bool names_a_file(std::string_view key)
{
    // jwt_file / token_file (the auth JWTs) are read again at each login: a rotated JWT needs no restart.
    return (key.ends_with("_file") && key != "jwt_file" && key != "token_file") || key == "ca_path";
}

// {"file": p} or {"env": n}: the secret references of config_reader::secret_value.
std::optional<json::object> resolved_reference(const json::object& o)
{
    if (o.size() != 1)
        return std::nullopt;
    if (const auto* f = o.if_contains("file"); f && f->is_string())
        return json::object{{"file", *f}, {"digest", path_digest(std::string(f->get_string()))}};
    if (const auto* e = o.if_contains("env"); e && e->is_string())
    {
        const char* value = std::getenv(std::string(e->get_string()).c_str());
        return json::object{{"env", *e}, {"digest", value ? digest(value) : "unset"}};
    }
    return std::nullopt;
}

json::value view_of(const json::value& v, std::string_view key)
{
    if (v.is_string() && names_a_file(key))
        return json::object{{"path", v}, {"digest", path_digest(std::string(v.get_string()))}};
    if (v.is_array())
    {
        json::array out;
        for (const auto& e : v.get_array())
            out.push_back(view_of(e, key));
        return out;
    }
    if (!v.is_object())
        return v;
    if (auto ref = resolved_reference(v.get_object()))
        return std::move(*ref);
    json::object out;
    for (const auto& [k, member] : v.get_object())
        out[k] = view_of(member, k);
    return out;
}

const json::value* block(const config& c, std::string_view section, std::string_view name)
{
    const auto* s = c.resolved.is_object() ? c.resolved.get_object().if_contains(section) : nullptr;
    if (!s || !s->is_object())
        return nullptr;
    return name.empty() ? s : s->get_object().if_contains(name);
}

bool differs(const json::value* a, const json::value* b)
{
    return (a == nullptr) != (b == nullptr) || (a && *a != *b);
}

// Names of `section` (vaults, consuls, kubernetes) whose block changed or went away.
std::vector<std::string> changed_names(const config& old, const config& next, std::string_view section)
{
    std::vector<std::string> out;
    if (const auto* s = block(old, section, ""); s && s->is_object())
        for (const auto& [name, v] : s->get_object())
            if (differs(&v, block(next, section, name)))
                out.emplace_back(name);
    return out;
}

bool mentions(const json::value& v, const std::string& name)
{
    if (v.is_string())
        return v.get_string() == name;
    if (v.is_array())
        return std::ranges::any_of(v.get_array(), [&](const json::value& e) { return mentions(e, name); });
    if (v.is_object())
        return std::ranges::any_of(v.get_object(), [&](const auto& m) { return mentions(m.value(), name); });
    return false;
}

bool ha_changed(const config& old, const config& next)
{
    if (differs(block(old, "ha", ""), block(next, "ha", "")))
        return true;
    if (old.ha && !old.ha->kubernetes.empty())
        return differs(block(old, "kubernetes", old.ha->kubernetes),
                       block(next, "kubernetes", old.ha->kubernetes));
    return old.ha && differs(block(old, "consuls", old.ha->consul), block(next, "consuls", old.ha->consul));
}

}  // namespace

json::value resolved_view(const json::value& raw)
{
    return view_of(raw, "");
}

void resolve(config& cfg)
{
    cfg.resolved = resolved_view(cfg.raw);
    for (auto& j : cfg.jobs)
        j.resolved = resolved_view(j.raw);
    auto* vaults = cfg.resolved.is_object() ? cfg.resolved.get_object().if_contains("vaults") : nullptr;
    for (const auto& [name, v] : cfg.vaults)
        if (auto* b = vaults && vaults->is_object() ? vaults->get_object().if_contains(name) : nullptr;
            b && b->is_object() && !v.tls.ca_file.empty())
            b->get_object()["effective_ca_file"] = view_of(json::value(v.tls.ca_file), "ca_file");
}

bool admin_tls_rotated(const config& old, const config& next)
{
    if (!old.admin.tls_cert_file || old.admin.tls_cert_file != next.admin.tls_cert_file ||
        old.admin.tls_key_file != next.admin.tls_key_file)
        return false;
    const auto* a = block(old, "admin", "tls");
    const auto* b = block(next, "admin", "tls");
    return differs(a, b);
}

std::vector<std::string> jobs_hit_by_shared_changes(const config& old, const config& next)
{
    bool all = ha_changed(old, next);
    auto names = changed_names(old, next, "vaults");
    for (const char* section : {"consuls", "kubernetes"})
    {
        auto more = changed_names(old, next, section);
        names.insert(names.end(), more.begin(), more.end());
    }
    std::vector<std::string> out;
    for (const auto& j : old.jobs)
        if (all || std::ranges::any_of(names, [&](const std::string& n) { return mentions(j.resolved, n); }))
            out.push_back(j.name);
    return out;
}

}  // namespace vk
