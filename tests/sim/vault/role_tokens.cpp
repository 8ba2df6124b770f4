// Role token fields and login tokens shared by the auth methods (see role_tokens.hpp).
#include "role_tokens.hpp"

#include <algorithm>

namespace vsim {

std::optional<std::string> apply_token_fields(const request& req, role_token_fields& t)
{
    for (std::string_view k : {"token_policies", "policies"})
    {
        json::value v = field(req, k);
        if (v.is_null())
            continue;
        auto list = weak_strings(v);
        if (!list)
            return std::string(k) + " must be a list of strings";
        t.token_policies = *list;
    }
    struct dur
    {
        std::string_view name;
        std::int64_t* slot;
    };
    for (auto [k, slot] : {dur{"token_ttl", &t.token_ttl}, dur{"token_max_ttl", &t.token_max_ttl},
                           dur{"token_explicit_max_ttl", &t.token_explicit_max_ttl},
                           dur{"token_period", &t.token_period}, dur{"period", &t.token_period}})
    {
        json::value v = field(req, k);
        if (v.is_null())
            continue;
        auto s = parse_seconds(v);
        if (!s || *s < 0)
            return "invalid value for " + std::string(k);
        *slot = *s;
    }
    if (json::value v = field(req, "token_num_uses"); !v.is_null())
    {
        auto n = weak_int(v);
        if (!n || *n < 0)
            return std::string("token_num_uses cannot be negative");
        t.token_num_uses = *n;
    }
    if (auto b = weak_bool(field(req, "token_no_default_policy")); b)
        t.token_no_default_policy = *b;
    return std::nullopt;
}

json::object token_fields_json(const role_token_fields& t)
{
    return {{"token_bound_cidrs", json::array{}},
            {"token_explicit_max_ttl", t.token_explicit_max_ttl},
            {"token_max_ttl", t.token_max_ttl},
            {"token_no_default_policy", t.token_no_default_policy},
            {"token_num_uses", t.token_num_uses},
            {"token_period", t.token_period},
            {"token_policies", to_array(t.token_policies)},
            {"token_ttl", t.token_ttl},
            {"token_type", "default"}};
}

void store_token_fields(json::object& o, const role_token_fields& t)
{
    o["token_policies"] = to_array(t.token_policies);
    o["token_ttl"] = t.token_ttl;
    o["token_max_ttl"] = t.token_max_ttl;
    o["token_explicit_max_ttl"] = t.token_explicit_max_ttl;
    o["token_period"] = t.token_period;
    o["token_num_uses"] = t.token_num_uses;
    o["token_no_default_policy"] = t.token_no_default_policy;
}

role_token_fields load_token_fields(const json::object& o)
{
    role_token_fields t;
    if (const auto* p = o.if_contains("token_policies"); p && p->is_array())
        for (const auto& v : p->get_array())
            if (v.is_string())
                t.token_policies.emplace_back(v.get_string());
    t.token_ttl = int_at(o, "token_ttl");
    t.token_max_ttl = int_at(o, "token_max_ttl");
    t.token_explicit_max_ttl = int_at(o, "token_explicit_max_ttl");
    t.token_period = int_at(o, "token_period");
    t.token_num_uses = int_at(o, "token_num_uses");
    const auto* ndp = o.if_contains("token_no_default_policy");
    t.token_no_default_policy = ndp && ndp->is_bool() && ndp->get_bool();
    return t;
}

token_params login_token_params(const role_token_fields& t, std::string display_name, std::string path,
                                json::value meta)
{
    token_params p;
    p.policies = t.token_policies;
    if (!t.token_no_default_policy)
        p.policies.push_back("default");
    std::sort(p.policies.begin(), p.policies.end());
    p.policies.erase(std::unique(p.policies.begin(), p.policies.end()), p.policies.end());
    p.display_name = std::move(display_name);
    p.path = std::move(path);
    p.meta = std::move(meta);
    p.ttl = t.token_ttl ? t.token_ttl : system_max_ttl;
    p.explicit_max_ttl = t.token_explicit_max_ttl;
    if (t.token_max_ttl && p.ttl > t.token_max_ttl)
        p.ttl = t.token_max_ttl;
    p.period = t.token_period;
    p.num_uses = t.token_num_uses;
    p.orphan = true;
    return p;
}

}  // namespace vsim
