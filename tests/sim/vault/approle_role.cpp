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
                   {"secret_id_ttl", r.secret_id_ttl},
                   {"secret_id_num_uses", r.secret_id_num_uses},
                   {"bind_secret_id", r.bind_secret_id}};
    store_token_fields(o, r);
    st.put(role_key(m, name), json::serialize(o));
}

json::object role_json(const role& r)
{
    json::object o = token_fields_json(r);
    o["bind_secret_id"] = r.bind_secret_id;
    o["local_secret_ids"] = false;
    o["period"] = r.token_period;
    o["policies"] = to_array(r.token_policies);
    o["secret_id_bound_cidrs"] = nullptr;
    o["secret_id_num_uses"] = r.secret_id_num_uses;
    o["secret_id_ttl"] = r.secret_id_ttl;
    return sorted_keys(o);
}

// Applies the writable role fields present in the request; returns an error message for a bad value.
std::optional<std::string> apply(const request& req, role& r)
{
    if (auto err = apply_token_fields(req, r))
        return err;
    if (json::value v = field(req, "secret_id_ttl"); !v.is_null())
    {
        auto s = parse_seconds(v);
        if (!s || *s < 0)
            return std::string("invalid value for secret_id_ttl");
        r.secret_id_ttl = *s;
    }
    if (json::value v = field(req, "secret_id_num_uses"); !v.is_null())
    {
        auto n = weak_int(v);
        if (!n || *n < 0)
            return std::string("secret_id_num_uses cannot be negative");
        r.secret_id_num_uses = *n;
    }
    if (auto b = weak_bool(field(req, "bind_secret_id")); b && !field(req, "bind_secret_id").is_null())
        r.bind_secret_id = *b;
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
    static_cast<role_token_fields&>(r) = load_token_fields(o);
    r.role_id = string_at(o, "role_id");
    r.secret_id_ttl = int_at(o, "secret_id_ttl");
    r.secret_id_num_uses = int_at(o, "secret_id_num_uses");
    r.bind_secret_id = !o["bind_secret_id"].is_bool() || o["bind_secret_id"].get_bool();
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
