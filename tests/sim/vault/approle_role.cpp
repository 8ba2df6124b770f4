// AppRole role records and their CRUD endpoints.
#include "approle_role.hpp"

namespace vsim::approle {

namespace {

std::string role_key(const mount_entry& m, const std::string& name)
{
    return m.data_prefix() + "role/" + name;
}

void save_role(storage& st, const mount_entry& m, const std::string& name, const role& r)
{
    json::object o{{"role_id", r.role_id},
                   {"token_policies", to_array(r.token_policies)},
                   {"token_ttl", r.token_ttl},
                   {"token_max_ttl", r.token_max_ttl},
                   {"token_explicit_max_ttl", r.token_explicit_max_ttl},
                   {"token_period", r.token_period},
                   {"token_num_uses", r.token_num_uses},
                   {"secret_id_ttl", r.secret_id_ttl},
                   {"secret_id_num_uses", r.secret_id_num_uses},
                   {"bind_secret_id", r.bind_secret_id},
                   {"token_no_default_policy", r.token_no_default_policy}};
    st.put(role_key(m, name), json::serialize(o));
}

json::object role_json(const role& r)
{
    json::array pols = to_array(r.token_policies);
    return {{"bind_secret_id", r.bind_secret_id},
            {"local_secret_ids", false},
            {"period", r.token_period},
            {"policies", pols},
            {"secret_id_bound_cidrs", nullptr},
            {"secret_id_num_uses", r.secret_id_num_uses},
            {"secret_id_ttl", r.secret_id_ttl},
            {"token_bound_cidrs", json::array{}},
            {"token_explicit_max_ttl", r.token_explicit_max_ttl},
            {"token_max_ttl", r.token_max_ttl},
            {"token_no_default_policy", r.token_no_default_policy},
            {"token_num_uses", r.token_num_uses},
            {"token_period", r.token_period},
            {"token_policies", pols},
            {"token_ttl", r.token_ttl},
            {"token_type", "default"}};
}

// Applies the writable role fields present in the request; returns an error message for a bad value.
std::optional<std::string> apply(const request& req, role& r)
{
    for (std::string_view k : {"token_policies", "policies"})
    {
        json::value v = field(req, k);
        if (v.is_null())
            continue;
        auto list = weak_strings(v);
        if (!list)
            return std::string(k) + " must be a list of strings";
        r.token_policies = *list;
    }
    struct dur
    {
        std::string_view name;
        std::int64_t* slot;
    };
    for (auto [k, slot] :
         {dur{"token_ttl", &r.token_ttl}, dur{"token_max_ttl", &r.token_max_ttl},
          dur{"token_explicit_max_ttl", &r.token_explicit_max_ttl}, dur{"token_period", &r.token_period},
          dur{"period", &r.token_period}, dur{"secret_id_ttl", &r.secret_id_ttl}})
    {
        json::value v = field(req, k);
        if (v.is_null())
            continue;
        auto s = parse_seconds(v);
        if (!s || *s < 0)
            return "invalid value for " + std::string(k);
        *slot = *s;
    }
    for (auto [k, slot] :
         {dur{"token_num_uses", &r.token_num_uses}, dur{"secret_id_num_uses", &r.secret_id_num_uses}})
    {
        json::value v = field(req, k);
        if (v.is_null())
            continue;
        auto n = weak_int(v);
        if (!n || *n < 0)
            return std::string(k) + " cannot be negative";
        *slot = *n;
    }
    if (auto b = weak_bool(field(req, "bind_secret_id")); b && !field(req, "bind_secret_id").is_null())
        r.bind_secret_id = *b;
    if (auto b = weak_bool(field(req, "token_no_default_policy")); b)
        r.token_no_default_policy = *b;
    if (r.token_max_ttl && r.token_ttl > r.token_max_ttl)
        return "\"token_ttl\" value must be less than or equal to \"token_max_ttl\"";
    return std::nullopt;
}

}  // namespace

std::optional<role> load_role(const storage& st, const mount_entry& m, const std::string& name)
{
    auto stored = stored_object(st, role_key(m, name));
    if (!stored)
        return std::nullopt;
    auto& o = *stored;
    role r;
    r.role_id = o["role_id"].is_string() ? std::string(o["role_id"].get_string()) : "";
    if (o["token_policies"].is_array())
        for (auto& p : o["token_policies"].get_array())
            if (p.is_string())
                r.token_policies.emplace_back(p.get_string());
    r.token_ttl = int_at(o, "token_ttl");
    r.token_max_ttl = int_at(o, "token_max_ttl");
    r.token_explicit_max_ttl = int_at(o, "token_explicit_max_ttl");
    r.token_period = int_at(o, "token_period");
    r.token_num_uses = int_at(o, "token_num_uses");
    r.secret_id_ttl = int_at(o, "secret_id_ttl");
    r.secret_id_num_uses = int_at(o, "secret_id_num_uses");
    r.bind_secret_id = !o["bind_secret_id"].is_bool() || o["bind_secret_id"].get_bool();
    r.token_no_default_policy =
        o["token_no_default_policy"].is_bool() && o["token_no_default_policy"].get_bool();
    return r;
}

response role_crud(call& c, const std::string& name)
{
    if (name.empty())
        return error(400, {"missing role_name"});
    auto existing = load_role(c.st, c.mount, name);
    if (c.op == "read")
        return existing ? ok(role_json(*existing), "approle") : not_found();
    if (c.op == "delete")
    {
        if (existing)
        {
            c.st.del(c.mount.data_prefix() + "role_id/" + existing->role_id);
            c.st.del_prefix(c.mount.data_prefix() + "secret_id/" + name + "/");
            c.st.del_prefix(c.mount.data_prefix() + "accessor/" + name + "/");
            c.st.del(role_key(c.mount, name));
        }
        return no_content();
    }
    if (c.op != "create" && c.op != "update")
        return error(405, {"unsupported operation"});
    role r = existing.value_or(role{});
    if (auto err = apply(c.req, r))
        return error(400, {*err});
    if (r.role_id.empty())
    {
        json::value custom = field(c.req, "role_id");
        r.role_id = custom.is_string() && !custom.get_string().empty() ? std::string(custom.get_string())
                                                                       : new_uuid();
        c.st.put(c.mount.data_prefix() + "role_id/" + r.role_id, name);
    }
    save_role(c.st, c.mount, name, r);
    return no_content();
}

response set_role_id(call& c, const std::string& name, role r)
{
    json::value v = field(c.req, "role_id");
    if (!v.is_string() || v.get_string().empty())
        return error(400, {"missing role_id"});
    c.st.del(c.mount.data_prefix() + "role_id/" + r.role_id);
    r.role_id = v.get_string();
    c.st.put(c.mount.data_prefix() + "role_id/" + r.role_id, name);
    save_role(c.st, c.mount, name, r);
    return no_content();
}

}  // namespace vsim::approle
