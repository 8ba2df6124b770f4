// Policy CRUD (current and legacy routes) and capability queries of the system backend.
#include "sys_policy.hpp"

#include <algorithm>

#include "token_store.hpp"

namespace vsim {

std::string policy_key(std::string_view name)
{
    return "sys/policy/" + std::string(name);
}

std::optional<std::string> put_policy(storage& st, const std::string& name, std::string_view text)
{
    policy p;
    if (auto err = parse_policy(text, p))
        return err;
    st.put(policy_key(name), json::serialize(json::object{{"name", name}, {"policy", text}}));
    return std::nullopt;
}

std::optional<std::string> policy_text(std::string_view raw_entry)
{
    boost::system::error_code ec;
    json::value v = json::parse(raw_entry, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    auto* p = v.get_object().if_contains("policy");
    if (!p || !p->is_string())
        return std::nullopt;
    return std::string(p->get_string());
}

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return out;
}

std::vector<std::string> policy_names(const storage& st)
{
    auto names = st.list("sys/policy/");
    std::erase_if(names, [](const std::string& n) { return n.ends_with('/'); });
    names.push_back("root");
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

response write(call& c, const std::string& name, bool legacy)
{
    json::value text = field(c.req, "policy");
    if (legacy && text.is_null())
        text = field(c.req, "rules");
    if (!text.is_string() || text.get_string().empty())
        return error(400, {"'policy' parameter not supplied or empty"});
    if (name == "root")
        return error(400, {"cannot update \"root\" policy"});
    if (auto err = put_policy(c.st, name, text.get_string()))
        return error(400, {"failed to parse policy: " + *err});
    return no_content();
}

response read(call& c, const std::string& name, bool legacy)
{
    std::string text;
    if (name != "root")
    {
        const std::string* raw = c.st.find(policy_key(name));
        auto t = raw ? policy_text(*raw) : std::nullopt;
        if (!t)
            return not_found();
        text = *t;
    }
    // The legacy route names the document "rules" and is one of the HTTPSysInjector routes.
    if (legacy)
        return ok_sys(json::object{{"name", name}, {"rules", text}});
    return ok(json::object{{"name", name}, {"policy", text}}, "system");
}

response one_policy(call& c, std::string_view raw_name, bool legacy)
{
    std::string name = lower(raw_name);
    if (c.op == "read")
        return read(c, name, legacy);
    if (c.op == "create" || c.op == "update")
        return write(c, name, legacy);
    if (c.op == "delete")
    {
        if (name == "root" || name == "default")
            return error(400, {"cannot delete \"" + name + "\" policy"});
        c.st.del(policy_key(name));
        return no_content();
    }
    return error(405, {"unsupported operation"});
}

std::vector<std::string> capabilities_of(const acl* a, bool root, std::string_view path)
{
    if (root)
        return {"root"};
    return capability_names(a ? a->capabilities(path) : 0);
}

response capabilities(call& c, const token_entry& t, const acl_for& acls)
{
    auto paths = weak_strings(field(c.req, "paths"));
    if (!paths || paths->empty())
        paths = weak_strings(field(c.req, "path"));
    if (!paths || paths->empty())
        return error(400, {"paths must be supplied"});
    auto a = acls(t);
    json::object data;
    for (auto& p : *paths)
    {
        json::array caps;
        for (auto& name : capabilities_of(a.get(), t.is_root(), p))
            caps.emplace_back(name);
        data[p] = std::move(caps);
    }
    // Kept by Vault for backwards compatibility: the lone path's list under "capabilities".
    if (paths->size() == 1)
        data["capabilities"] = data[(*paths)[0]];
    return ok_sys(std::move(data));
}

}  // namespace

std::optional<response> sys_policy(call& c, std::string_view sub, const acl_for& acls)
{
    if (sub == "policy" || sub == "policy/" || sub == "policies/acl" || sub == "policies/acl/")
    {
        if (c.op != "read" && c.op != "list")
            return error(405, {"unsupported operation"});
        auto names = policy_names(c.st);
        json::array keys;
        for (auto& n : names)
            keys.emplace_back(n);
        if (sub.starts_with("policies"))
            return ok(json::object{{"keys", keys}}, "system");
        return ok_sys(json::object{{"keys", keys}, {"policies", keys}});
    }
    if (sub.starts_with("policy/"))
        return one_policy(c, sub.substr(7), true);
    if (sub.starts_with("policies/acl/"))
        return one_policy(c, sub.substr(13), false);
    if (sub == "capabilities-self")
    {
        if (c.op != "create" && c.op != "update")
            return error(405, {"unsupported operation"});
        return capabilities(c, *c.token, acls);
    }
    if (sub == "capabilities" || sub == "capabilities-accessor")
    {
        bool by_accessor = sub == "capabilities-accessor";
        json::value v = field(c.req, by_accessor ? "accessor" : "token");
        if (!v.is_string())
            return error(400, {by_accessor ? "missing accessor" : "missing token"});
        std::string s(v.get_string());
        auto t = by_accessor ? lookup_accessor(c.st, s, c.now_ns) : lookup_token(c.st, s, c.now_ns);
        if (!t)
            return error(400, {"invalid token"});
        return capabilities(c, *t, acls);
    }
    return std::nullopt;
}

}  // namespace vsim
