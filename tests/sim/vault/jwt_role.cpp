// JWT auth roles: validation and wire shapes of path_role.go (see jwt_role.hpp).
#include "jwt_role.hpp"

#include <algorithm>
#include <cctype>

namespace vsim::jwt {

namespace {

std::string role_key(const mount_entry& m, const std::string& name)
{
    return m.data_prefix() + "role/" + name;
}

// A Go nil slice or map marshals as null.
json::value list_or_null(const std::vector<std::string>& v)
{
    return v.empty() ? json::value(nullptr) : json::value(to_array(v));
}

json::value object_or_null(const json::object& o)
{
    return o.empty() ? json::value(nullptr) : json::value(o);
}

std::vector<std::string> strings_at(const json::object& o, std::string_view k)
{
    return weak_strings(o.contains(k) ? o.at(k) : json::value(nullptr)).value_or(std::vector<std::string>{});
}

json::object object_at(const json::object& o, std::string_view k)
{
    const json::value* v = o.if_contains(k);
    return v && v->is_object() ? v->get_object() : json::object{};
}

json::object role_json(const role& r)
{
    json::object o = token_fields_json(r);
    o["role_type"] = r.role_type;
    o["user_claim"] = r.user_claim;
    o["user_claim_json_pointer"] = false;
    o["bound_audiences"] = list_or_null(r.bound_audiences);
    o["bound_subject"] = r.bound_subject;
    o["bound_claims"] = object_or_null(r.bound_claims);
    o["bound_claims_type"] = r.bound_claims_type;
    o["claim_mappings"] = object_or_null(r.claim_mappings);
    o["groups_claim"] = r.groups_claim;
    o["allowed_redirect_uris"] = list_or_null(r.allowed_redirect_uris);
    o["oidc_scopes"] = list_or_null(r.oidc_scopes);
    o["callback_mode"] = "client";
    o["max_age"] = 0;
    o["clock_skew_leeway"] = r.leeway.clock_skew;
    o["expiration_leeway"] = r.leeway.expiration;
    o["not_before_leeway"] = r.leeway.not_before;
    o["verbose_oidc_logging"] = r.verbose_oidc_logging;
    return sorted_keys(o);
}

// The stored form is the read form: one list of fields, and what was stored reads back as it was.
void save_role(storage& st, const mount_entry& m, const std::string& name, const role& r)
{
    st.put(role_key(m, name), json::serialize(role_json(r)));
}

// The leeways: signed seconds ("-1" turns one off), as TypeSignedDurationSecond.
std::optional<std::string> apply_leeways(const request& req, leeways& l)
{
    struct slot
    {
        std::string_view name;
        std::int64_t* value;
    };
    for (auto [k, v] : {slot{"clock_skew_leeway", &l.clock_skew}, slot{"expiration_leeway", &l.expiration},
                        slot{"not_before_leeway", &l.not_before}})
    {
        json::value raw = field(req, k);
        if (raw.is_null())
            continue;
        auto s = parse_seconds(raw);
        if (!s)
            return "invalid value for " + std::string(k);
        *v = *s;
    }
    return std::nullopt;
}

// The claim bindings; an error for a bound_claims that is not a map or a bad bound_claims_type.
std::optional<std::string> apply_bindings(const request& req, role& r)
{
    if (json::value v = field(req, "bound_audiences"); !v.is_null())
        r.bound_audiences = weak_strings(v).value_or(std::vector<std::string>{});
    if (json::value v = field(req, "bound_subject"); v.is_string())
        r.bound_subject = v.get_string();
    json::value type = field(req, "bound_claims_type");
    r.bound_claims_type =
        type.is_string() && !type.get_string().empty() ? std::string(type.get_string()) : "string";
    if (r.bound_claims_type != "string" && r.bound_claims_type != "glob")
        return "invalid 'bound_claims_type': " + r.bound_claims_type;
    if (json::value v = field(req, "bound_claims"); !v.is_null())
    {
        if (!v.is_object())
            return std::string("bound_claims must be a map");
        r.bound_claims = v.get_object();
    }
    if (json::value v = field(req, "claim_mappings"); v.is_object())
        r.claim_mappings = v.get_object();
    return std::nullopt;
}

// The OIDC-only and descriptive fields, stored and read back as given.
void apply_descriptive(const request& req, role& r)
{
    if (json::value v = field(req, "user_claim"); v.is_string())
        r.user_claim = v.get_string();
    if (json::value v = field(req, "groups_claim"); v.is_string())
        r.groups_claim = v.get_string();
    if (json::value v = field(req, "allowed_redirect_uris"); !v.is_null())
        r.allowed_redirect_uris = weak_strings(v).value_or(std::vector<std::string>{});
    if (json::value v = field(req, "oidc_scopes"); !v.is_null())
        r.oidc_scopes = weak_strings(v).value_or(std::vector<std::string>{});
    if (auto b = weak_bool(field(req, "verbose_oidc_logging")); b)
        r.verbose_oidc_logging = *b;
}

// pathRoleCreateUpdate's checks, in its order.
std::optional<std::string> apply(const request& req, role& r)
{
    json::value type = field(req, "role_type");
    r.role_type = type.is_string() && !type.get_string().empty() ? std::string(type.get_string()) : "oidc";
    if (r.role_type != "jwt" && r.role_type != "oidc")
        return "invalid 'role_type': " + r.role_type;
    if (auto err = apply_token_fields(req, r))
        return err;
    if (auto err = apply_leeways(req, r.leeway))
        return err;
    if (auto err = apply_bindings(req, r))
        return err;
    apply_descriptive(req, r);
    if (r.user_claim.empty())
        return std::string("a user claim must be defined on the role");
    if (r.role_type == "oidc" && r.allowed_redirect_uris.empty())
        return std::string("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
    if (r.role_type == "jwt" && r.bound_audiences.empty() && r.bound_subject.empty() &&
        r.bound_claims.empty())
        return std::string("must have at least one bound constraint when creating/updating a role");
    if (r.token_max_ttl > 0 && r.token_ttl > r.token_max_ttl)
        return std::string("ttl should not be greater than max ttl");
    return std::nullopt;
}

}  // namespace

std::string role_name(std::string_view raw)
{
    std::string out(raw);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return out;
}

std::optional<role> load_role(const storage& st, const mount_entry& m, const std::string& name)
{
    auto stored = stored_object(st, role_key(m, name));
    if (!stored)
        return std::nullopt;
    const auto& o = *stored;
    role r;
    static_cast<role_token_fields&>(r) = load_token_fields(o);
    r.role_type = string_at(o, "role_type");
    r.user_claim = string_at(o, "user_claim");
    r.bound_audiences = strings_at(o, "bound_audiences");
    r.bound_subject = string_at(o, "bound_subject");
    r.bound_claims = object_at(o, "bound_claims");
    r.bound_claims_type = string_at(o, "bound_claims_type");
    r.claim_mappings = object_at(o, "claim_mappings");
    r.groups_claim = string_at(o, "groups_claim");
    r.allowed_redirect_uris = strings_at(o, "allowed_redirect_uris");
    r.oidc_scopes = strings_at(o, "oidc_scopes");
    r.leeway = {int_at(o, "clock_skew_leeway"), int_at(o, "expiration_leeway"),
                int_at(o, "not_before_leeway")};
    const json::value* verbose = o.if_contains("verbose_oidc_logging");
    r.verbose_oidc_logging = verbose && verbose->is_bool() && verbose->get_bool();
    return r;
}

response role_endpoint(call& c, const std::string& name)
{
    if (name.empty())
        return c.op == "list" ? list_response(c.st.list(c.mount.data_prefix() + "role/"), mount_type)
                              : error(400, {"missing role name"});
    auto existing = load_role(c.st, c.mount, name);
    if (c.op == "read")
        return existing ? ok(role_json(*existing), mount_type) : not_found();
    if (c.op == "delete")
    {
        c.st.del(role_key(c.mount, name));
        return no_content();
    }
    if (c.op != "create" && c.op != "update")
        return error(405, {"unsupported operation"});
    role r = existing.value_or(role{});
    if (auto err = apply(c.req, r))
        return error(400, {*err});
    save_role(c.st, c.mount, name, r);
    return no_content();
}

}  // namespace vsim::jwt
