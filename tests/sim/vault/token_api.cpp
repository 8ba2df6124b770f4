// The token auth method's HTTP surface on top of token_store (see token_api.hpp).
#include "token_api.hpp"

#include <algorithm>
#include <set>

#include "token_store.hpp"

namespace vsim::token_api {

namespace {

constexpr std::string_view mtype = "token";

std::vector<std::string> sorted_unique(std::vector<std::string> v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::erase(v, std::string());
    return v;
}

// Decides the child's policies: explicit list or the parent's, "default" added, subset of the parent's.
std::optional<std::string> child_policies(const call& c, token_params& p, bool no_default)
{
    auto requested = weak_strings(field(c.req, "policies"));
    if (!requested)
        return "policies must be a list of strings";
    const token_entry& parent = *c.token;
    std::vector<std::string> pols = requested->empty() ? parent.policies : *requested;
    for (auto& s : pols)
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    pols = sorted_unique(std::move(pols));
    if (!parent.is_root())
    {
        std::set<std::string> allowed(parent.policies.begin(), parent.policies.end());
        for (auto& s : pols)
            if (s != "default" && !allowed.contains(s))
                return "child policies must be subset of parent";
    }
    bool root = std::find(pols.begin(), pols.end(), "root") != pols.end();
    if (!no_default && !root)
        pols.push_back("default");
    p.policies = sorted_unique(std::move(pols));
    return std::nullopt;
}

std::optional<std::string> ttl_params(const call& c, token_params& p)
{
    auto ttl = parse_seconds(field(c.req, "ttl"));
    auto max = parse_seconds(field(c.req, "explicit_max_ttl"));
    auto period = parse_seconds(field(c.req, "period"));
    auto uses = weak_int(field(c.req, "num_uses").is_null() ? json::value(0) : field(c.req, "num_uses"));
    if (!ttl || !max || !period)
        return "error parsing a duration parameter";
    if (!uses || *uses < 0)
        return "number of uses cannot be negative";
    p.ttl = *ttl;
    p.explicit_max_ttl = *max;
    p.period = *period;
    p.num_uses = *uses;
    bool root_only = p.policies.size() == 1 && p.policies[0] == "root";
    // Like Vault: no TTL means the mount default (768h), except for root-policy tokens which never expire.
    if (p.ttl == 0 && p.period == 0 && !root_only)
        p.ttl = system_max_ttl;
    if (p.explicit_max_ttl && (p.ttl == 0 || p.ttl > p.explicit_max_ttl))
        p.ttl = p.explicit_max_ttl;
    p.ttl = std::min(p.ttl, system_max_ttl);
    return std::nullopt;
}

response create(call& c, bool orphan_path)
{
    token_params p;
    auto no_default = weak_bool(field(c.req, "no_default_policy")).value_or(false);
    auto no_parent = weak_bool(field(c.req, "no_parent")).value_or(false);
    if (no_parent && !c.token->is_root())
        return error(400, {"root or sudo privileges required to create orphan token"});
    if (auto err = child_policies(c, p, no_default))
        return error(400, {*err});
    if (auto err = ttl_params(c, p))
        return error(400, {*err});
    p.renewable =
        weak_bool(field(c.req, "renewable").is_null() ? json::value(true) : field(c.req, "renewable"))
            .value_or(true);
    json::value name = field(c.req, "display_name");
    p.display_name =
        name.is_string() && !name.get_string().empty() ? "token-" + std::string(name.get_string()) : "token";
    json::value meta = field(c.req, "meta");
    p.meta = meta.is_object() && !meta.get_object().empty() ? meta : json::value(nullptr);
    p.orphan = orphan_path || no_parent;
    p.parent = sha256_hex(c.token->id);
    p.path = orphan_path ? "auth/token/create-orphan" : "auth/token/create";
    json::value id = field(c.req, "id");
    if (id.is_string() && !id.get_string().empty())
    {
        if (!c.token->is_root())
            return error(400, {"root or sudo privileges required to specify token id"});
        p.fixed_id = id.get_string();
    }
    token_entry t = create_token(c.st, std::move(p), c.now_ns);
    return auth_response(auth_block(t, c.now_ns), mtype);
}

// The token named by the body (or query) parameter `name`, or nullopt.
std::optional<token_entry> named(const call& c, std::string_view name, bool accessor)
{
    json::value v = field(c.req, name);
    if (!v.is_string())
        return std::nullopt;
    std::string s(v.get_string());
    return accessor ? lookup_accessor(c.st, s, c.now_ns) : lookup_token(c.st, s, c.now_ns);
}

response renew(call& c, token_entry t)
{
    if (t.expire_ns == 0)
        return error(400, {"lease not found or lease is not renewable"});
    if (!t.renewable)
        return error(400, {"lease is not renewable"});
    auto inc = parse_seconds(field(c.req, "increment"));
    if (!inc)
        return error(400, {"error parsing increment"});
    std::int64_t want = t.period ? t.period : (*inc ? *inc : t.creation_ttl);
    std::int64_t max = t.explicit_max_ttl ? t.explicit_max_ttl : system_max_ttl;
    std::int64_t max_expire = t.period && !t.explicit_max_ttl ? INT64_MAX : t.issue_ns + max * 1000000000;
    std::int64_t expire = c.now_ns + want * 1000000000;
    json::value warnings = nullptr;
    if (expire > max_expire)
    {
        expire = max_expire;
        warnings = json::array{json::value(
            "TTL of \"" + go_duration(want) + "\" exceeded the effective max_ttl of \"" +
            go_duration((max_expire - c.now_ns) / 1000000000) + "\"; TTL value is capped accordingly")};
    }
    t.expire_ns = expire;
    save_token(c.st, t);
    return auth_response(auth_block(t, c.now_ns), mtype, std::move(warnings));
}

response accessors(call& c)
{
    auto keys = c.st.list("sys/token/accessor/");
    return list_response(std::move(keys), mtype);
}

response bad_token()
{
    return error(403, {"bad token"});
}

}  // namespace

response auth_response(json::object auth, std::string_view mount_type, json::value warnings)
{
    json::object o = envelope(nullptr, mount_type);
    o["auth"] = std::move(auth);
    o["warnings"] = std::move(warnings);
    return response{200, json::value(std::move(o)), {}};
}

namespace {

// Endpoints acting on another token named by `token` or `accessor`; nullopt for other paths.
std::optional<response> by_name(call& c, std::string_view r)
{
    bool accessor = r.ends_with("-accessor");
    auto target = [&] { return named(c, accessor ? "accessor" : "token", accessor); };
    if (r == "lookup" || r == "lookup-accessor")
    {
        auto t = target();
        if (!t)
            return bad_token();
        json::object d = lookup_data(*t, c.now_ns);
        if (accessor)
            d["id"] = "";  // an accessor never reveals the token it stands for
        return ok(std::move(d), mtype);
    }
    if (r == "renew" || r == "renew-accessor")
    {
        auto t = target();
        return t ? renew(c, *t) : bad_token();
    }
    if (r == "revoke" || r == "revoke-accessor" || r == "revoke-orphan")
    {
        // Revoking an unknown token is not an error in Vault.
        if (auto t = target())
            r == "revoke-orphan" ? revoke_orphan(c.st, t->id) : revoke_token(c.st, t->id);
        return no_content();
    }
    return std::nullopt;
}

}  // namespace

response handle(call& c)
{
    std::string_view r = c.rel;
    bool write = c.op == "create" || c.op == "update";
    if (r == "accessors/" && c.op == "list")
        return accessors(c);
    static constexpr std::string_view known[] = {"create",          "create-orphan",   "lookup-self",
                                                 "renew-self",      "revoke-self",     "lookup",
                                                 "lookup-accessor", "renew",           "renew-accessor",
                                                 "revoke",          "revoke-accessor", "revoke-orphan"};
    if (std::find(std::begin(known), std::end(known), r) == std::end(known))
        return error(404, {"unsupported path"});
    if (r == "lookup-self" && c.op == "read")
        return ok(lookup_data(*c.token, c.now_ns), mtype);
    if (!write)
        return error(405, {"unsupported operation"});
    if (r == "create" || r == "create-orphan")
        return create(c, r == "create-orphan");
    if (r == "lookup-self")
        return ok(lookup_data(*c.token, c.now_ns), mtype);
    if (r == "renew-self")
        return renew(c, *c.token);
    if (r == "revoke-self")
    {
        revoke_token(c.st, c.token->id);
        return no_content();
    }
    return by_name(c, r).value_or(error(404, {"unsupported path"}));
}

}  // namespace vsim::token_api
