// JWT auth: config (jwt_validation_pubkeys, bound_issuer), login verifying the JWT, and routing (see
// jwt_auth.hpp). Only static keys: a jwks_url or oidc_discovery_url would need the sim to fetch keys.
#include "jwt_auth.hpp"

#include <algorithm>
#include <chrono>
#include <variant>

#include "jwt_role.hpp"
#include "token_api.hpp"
#include "token_store.hpp"

namespace vsim::jwt {

namespace {

std::string config_key(const mount_entry& m)
{
    return m.data_prefix() + "config";
}

std::string string_field(const request& req, std::string_view k)
{
    json::value v = field(req, k);
    return v.is_string() ? std::string(v.get_string()) : "";
}

// pathConfigWrite: exactly one key source; every PEM must parse.
response write_config(call& c)
{
    auto pubkeys = weak_strings(field(c.req, "jwt_validation_pubkeys")).value_or(std::vector<std::string>{});
    int sources = !pubkeys.empty();
    for (std::string_view k : {"oidc_discovery_url", "jwks_url"})
        sources += !string_field(c.req, k).empty();
    if (const json::value v = field(c.req, "jwks_pairs"); v.is_array() && !v.get_array().empty())
        ++sources;
    if (sources != 1)
        return error(400, {"exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or "
                           "'oidc_discovery_url' must be set"});
    if (pubkeys.empty())
        return error(400, {"vault-sim: only jwt_validation_pubkeys is supported"});
    for (const auto& pem : pubkeys)
        if (auto err = check_public_key(pem))
            return error(400, {*err});
    json::object o{
        {"jwt_validation_pubkeys", to_array(pubkeys)},
        {"bound_issuer", string_field(c.req, "bound_issuer")},
        {"default_role", string_field(c.req, "default_role")},
        {"jwt_supported_algs",
         to_array(weak_strings(field(c.req, "jwt_supported_algs")).value_or(std::vector<std::string>{}))}};
    c.st.put(config_key(c.mount), json::serialize(o));
    return no_content();
}

// pathConfigRead: every key of the config, the OIDC ones empty.
response read_config(const call& c)
{
    auto stored = stored_object(c.st, config_key(c.mount));
    if (!stored)
        return not_found();
    json::object d{{"oidc_discovery_url", ""},
                   {"oidc_discovery_ca_pem", ""},
                   {"oidc_client_id", ""},
                   {"oidc_response_mode", ""},
                   {"oidc_response_types", json::array{}},
                   {"jwks_url", ""},
                   {"jwks_ca_pem", ""},
                   {"jwks_pairs", json::array{}},
                   {"provider_config", json::object{}},
                   {"namespace_in_state", true},
                   {"unsupported_critical_cert_extensions", json::array{}}};
    for (const auto& [k, v] : *stored)
        d[k] = v;
    return ok(sorted_keys(d), mount_type);
}

// The role's claim bindings and the config's issuer, for jwt::check_claims.
bindings bindings_of(const role& r, const json::object& config)
{
    return {string_at(config, "bound_issuer"), r.bound_subject, r.bound_audiences, r.bound_claims, r.leeway};
}

// The verified token's claims, or Vault's 400 for the first check it fails.
std::variant<json::object, response> verify(const call& c, const std::string& raw, const role& r,
                                            const json::object& config)
{
    std::string why;
    auto t = parse(raw, &why);
    if (!t)
        return error(400, {"error parsing token: " + why});
    auto keys = weak_strings(config.contains("jwt_validation_pubkeys") ? config.at("jwt_validation_pubkeys")
                                                                       : json::value(nullptr));
    if (!verify_signature(*t, keys.value_or(std::vector<std::string>{})) ||
        !registered_claims_decode(t->claims))
        return error(400, {"no known key successfully validated the token signature"});
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(c.now.time_since_epoch()).count();
    if (auto failed = check_claims(t->claims, bindings_of(r, config), now_s))
        return error(400, {*failed});
    return std::move(t->claims);
}

// Vault prefixes the display name with the mount path, slashes turned to dashes ("jwt-" + user).
std::string display_name(const mount_entry& m, const std::string& user)
{
    std::string source = m.path;
    std::replace(source.begin(), source.end(), '/', '-');
    std::string name = source + user;
    while (!name.empty() && name.back() == '-')
        name.pop_back();
    return name;
}

response login(call& c)
{
    auto config = stored_object(c.st, config_key(c.mount));
    if (!config)
        return error(400, {"could not load configuration"});
    std::string name = role_name(string_field(c.req, "role"));
    if (name.empty())
        name = string_at(*config, "default_role");
    if (name.empty())
        return error(400, {"missing role"});
    auto r = load_role(c.st, c.mount, name);
    if (!r)
        return error(400, {"role \"" + name + "\" could not be found"});
    if (r->role_type == "oidc")
        return error(400, {"role with oidc role_type is not allowed"});
    std::string raw = string_field(c.req, "jwt");
    if (raw.empty())
        return error(400, {"missing token"});
    auto verified = verify(c, raw, *r, *config);
    if (auto* refused = std::get_if<response>(&verified))
        return std::move(*refused);
    const auto& claims = std::get<json::object>(verified);
    const json::value* user = claims.if_contains(r->user_claim);
    if (!user)
        return error(400, {"claim \"" + r->user_claim + "\" not found in token"});
    if (!user->is_string())
        return error(400, {"claim \"" + r->user_claim + "\" could not be converted to string"});
    token_params p = login_token_params(*r, display_name(c.mount, std::string(user->get_string())),
                                        "auth/" + c.mount.path + "login", json::object{{"role", name}});
    token_entry t = create_token(c.st, std::move(p), c.now_ns);
    return token_api::auth_response(auth_block(t, c.now_ns), mount_type);
}

}  // namespace

bool unauthenticated(std::string_view rel)
{
    return rel == "login";
}

response handle(call& c)
{
    std::string_view rel = c.rel;
    bool write = c.op == "create" || c.op == "update";
    if (rel == "login")
        return write ? login(c) : error(405, {"unsupported operation"});
    if (rel == "config")
        return write            ? write_config(c)
               : c.op == "read" ? read_config(c)
                                : error(405, {"unsupported operation"});
    if (rel == "role/" && c.op == "list")
        return role_endpoint(c, "");
    if (auto name = path_below(rel, "role/"); name && name->find('/') == std::string_view::npos)
        return role_endpoint(c, role_name(*name));
    return error(404, {"unsupported path"});
}

}  // namespace vsim::jwt
