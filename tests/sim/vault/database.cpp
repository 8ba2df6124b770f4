// Database secrets engine (see database.hpp).
#include "database.hpp"

#include "lease_store.hpp"
#include "token_store.hpp"

namespace vsim::database {

namespace {

constexpr std::string_view statement_fields[] = {"creation_statements", "revocation_statements",
                                                 "rollback_statements", "renew_statements"};

std::string key(const call& c, std::string_view kind, std::string_view name)
{
    return c.mount.data_prefix() + std::string(kind) + "/" + std::string(name);
}

std::optional<json::object> load(const call& c, std::string_view kind, std::string_view name)
{
    return stored_object(c.st, key(c, kind, name));
}

response write_role(call& c, std::string_view name)
{
    json::value db = field(c.req, "db_name");
    if (!db.is_string() || db.get_string().empty())
        return error(400, {"empty database name attribute"});
    auto ttl = parse_seconds(field(c.req, "default_ttl"));
    auto max = parse_seconds(field(c.req, "max_ttl"));
    if (!ttl || !max)
        return error(400, {"error parsing ttl values"});
    if (*max != 0 && *ttl > *max)
        return error(400, {"ttl cannot be greater than max_ttl"});
    json::object role{{"db_name", db}, {"default_ttl", *ttl}, {"max_ttl", *max}};
    for (auto f : statement_fields)
        role[f] = to_array(weak_strings(field(c.req, f)).value_or(std::vector<std::string>{}));
    c.st.put(key(c, "role", name), json::serialize(role));
    return no_content();
}

response read_role(call& c, std::string_view name)
{
    auto role = load(c, "role", name);
    if (!role)
        return not_found();
    (*role)["credential_type"] = "password";
    (*role)["credential_config"] = json::object{};
    return ok(std::move(*role), c.mount.mount_type());
}

// Like the PostgreSQL plugin's default username template: v-<display>-<role>-<random>-<unix>, max 63.
std::string username(const call& c, std::string_view role)
{
    std::string display = c.token ? c.token->display_name : "token";
    auto part = [](std::string_view s) { return std::string(s.substr(0, 8)); };
    std::string u = "v-" + part(display) + "-" + part(role) + "-" + random_alnum(20) + "-" +
                    std::to_string(c.now_ns / 1000000000);
    return u.substr(0, 63);
}

response creds(call& c, std::string_view name)
{
    if (c.op != "read")
        return error(405, {"unsupported operation"});
    auto role = load(c, "role", name);
    if (!role)
        return error(400, {"unknown role: " + std::string(name)});
    leases::lease_request lr{c.req.path, c.token ? sha256_hex(c.token->id) : std::string(),
                             int_at(*role, "default_ttl"), int_at(*role, "max_ttl"), true};
    auto l = leases::create(c.st, lr, c.now_ns);
    json::object o =
        envelope(json::object{{"username", username(c, name)}, {"password", "A1a-" + random_alnum(16)}},
                 c.mount.mount_type());
    o["lease_id"] = l.id;
    o["renewable"] = l.renewable;
    o["lease_duration"] = (l.expire_ns - l.issue_ns) / 1000000000;
    return response{200, json::value(std::move(o)), {}};
}

// config/<name>: the connection is kept as written, minus the password, and never dialled.
response config(call& c, std::string_view name)
{
    if (c.op == "read")
    {
        auto cfg = load(c, "config", name);
        return cfg ? ok(std::move(*cfg), c.mount.mount_type()) : not_found();
    }
    if (c.op == "delete")
    {
        c.st.del(key(c, "config", name));
        return no_content();
    }
    json::object cfg = body_of(c.req);
    if (!cfg.contains("plugin_name"))
        return error(400, {"plugin_name must be specified"});
    json::object details;
    if (auto* url = cfg.if_contains("connection_url"))
        details["connection_url"] = *url;
    json::object stored{
        {"plugin_name", cfg["plugin_name"]},
        {"connection_details", std::move(details)},
        {"allowed_roles",
         to_array(weak_strings(field(c.req, "allowed_roles")).value_or(std::vector<std::string>{}))},
        {"root_credentials_rotate_statements", json::array{}},
        {"password_policy", ""},
        {"verify_connection", true}};
    c.st.put(key(c, "config", name), json::serialize(stored));
    return no_content();
}

}  // namespace

response handle(call& c)
{
    for (std::string_view kind : {"roles/", "config/"})
        if (c.op == "list" && c.rel == kind)
            return list_response(c.st.list(key(c, kind == "roles/" ? "role" : "config", "")),
                                 c.mount.mount_type());
    if (auto name = path_below(c.rel, "creds/"))
        return creds(c, *name);
    if (auto name = path_below(c.rel, "config/"))
        return config(c, *name);
    if (auto name = path_below(c.rel, "roles/"))
    {
        if (c.op == "read")
            return read_role(c, *name);
        if (c.op == "delete")
        {
            c.st.del(key(c, "role", *name));
            return no_content();
        }
        if (c.op == "create" || c.op == "update")
            return write_role(c, *name);
        return error(405, {"unsupported operation"});
    }
    return error(404, {"unsupported path"});
}

}  // namespace vsim::database
