// AppRole: role CRUD, role-id, secret-id issue/lookup/destroy and login issuing a token.
#include "approle.hpp"

#include "approle_role.hpp"
#include "token_api.hpp"
#include "token_store.hpp"

namespace vsim::approle {

namespace {

constexpr std::string_view invalid_creds = "invalid role or secret ID";

std::string secret_key(const call& c, const std::string& role, const std::string& secret_id)
{
    return c.mount.data_prefix() + "secret_id/" + role + "/" + sha256_hex(secret_id);
}

response issue_secret_id(call& c, const std::string& name, const role& r, std::string secret_id)
{
    auto ttl = parse_seconds(field(c.req, "ttl"));
    auto uses = weak_int(field(c.req, "num_uses").is_null() ? json::value(0) : field(c.req, "num_uses"));
    if (!ttl || !uses)
        return error(400, {"error parsing ttl or num_uses"});
    std::int64_t eff_ttl = *ttl ? *ttl : r.secret_id_ttl;
    std::int64_t eff_uses = *uses ? *uses : r.secret_id_num_uses;
    std::string accessor = new_uuid();
    json::value meta = field(c.req, "metadata");
    json::object e{{"accessor", accessor},
                   {"created_ns", c.now_ns},
                   {"expire_ns", eff_ttl ? c.now_ns + eff_ttl * 1000000000 : 0},
                   {"num_uses", eff_uses},
                   {"metadata", meta.is_object() ? meta : json::object{}}};
    c.st.put(secret_key(c, name, secret_id), json::serialize(e));
    c.st.put(c.mount.data_prefix() + "accessor/" + name + "/" + accessor, sha256_hex(secret_id));
    return ok(json::object{{"secret_id", secret_id},
                           {"secret_id_accessor", accessor},
                           {"secret_id_num_uses", eff_uses},
                           {"secret_id_ttl", eff_ttl}},
              "approle");
}

// Loads the secret-id entry if valid now; consumes one use (deleting it when the last use goes).
bool consume_secret_id(call& c, const std::string& name, const std::string& secret_id)
{
    std::string key = secret_key(c, name, secret_id);
    const std::string* raw = c.st.find(key);
    if (!raw)
        return false;
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_object())
        return false;
    auto& o = v.get_object();
    std::int64_t expire = o["expire_ns"].is_int64() ? o["expire_ns"].get_int64() : 0;
    std::int64_t uses = o["num_uses"].is_int64() ? o["num_uses"].get_int64() : 0;
    std::string accessor = o["accessor"].is_string() ? std::string(o["accessor"].get_string()) : "";
    if (expire && expire <= c.now_ns)
        return false;
    if (uses == 1)
    {
        c.st.del(key);
        c.st.del(c.mount.data_prefix() + "accessor/" + name + "/" + accessor);
    }
    else if (uses > 1)
    {
        o["num_uses"] = uses - 1;
        c.st.put(key, json::serialize(o));
    }
    return true;
}

response login(call& c)
{
    json::value rid = field(c.req, "role_id");
    if (!rid.is_string() || rid.get_string().empty())
        return error(400, {"missing role_id"});
    const std::string* name = c.st.find(c.mount.data_prefix() + "role_id/" + std::string(rid.get_string()));
    if (!name)
        return error(400, {std::string(invalid_creds)});
    std::string role_name = *name;
    auto r = load_role(c.st, c.mount, role_name);
    if (!r)
        return error(400, {std::string(invalid_creds)});
    if (r->bind_secret_id)
    {
        json::value sid = field(c.req, "secret_id");
        if (!sid.is_string() || sid.get_string().empty())
            return error(400, {"missing secret_id"});
        if (!consume_secret_id(c, role_name, std::string(sid.get_string())))
            return error(400, {std::string(invalid_creds)});
    }
    token_params p = login_token_params(*r, "approle", "auth/" + c.mount.path + "login",
                                        json::object{{"role_name", role_name}});
    token_entry t = create_token(c.st, std::move(p), c.now_ns);
    return token_api::auth_response(auth_block(t, c.now_ns), "approle");
}

response secret_id_lookup(call& c, const std::string& name, bool by_accessor)
{
    std::string hash;
    if (by_accessor)
    {
        json::value a = field(c.req, "secret_id_accessor");
        const std::string* h =
            a.is_string()
                ? c.st.find(c.mount.data_prefix() + "accessor/" + name + "/" + std::string(a.get_string()))
                : nullptr;
        if (!h)
            return not_found();
        hash = *h;
    }
    else
    {
        json::value s = field(c.req, "secret_id");
        if (!s.is_string())
            return error(400, {"missing secret_id"});
        hash = sha256_hex(s.get_string());
    }
    std::string key = c.mount.data_prefix() + "secret_id/" + name + "/" + hash;
    const std::string* raw = c.st.find(key);
    if (!raw)
        return by_accessor ? not_found() : no_content();
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_object())
        return error(500, {"corrupt secret id"});
    auto& o = v.get_object();
    std::int64_t created = o["created_ns"].is_int64() ? o["created_ns"].get_int64() : 0;
    std::int64_t expire = o["expire_ns"].is_int64() ? o["expire_ns"].get_int64() : 0;
    return ok(json::object{{"cidr_list", json::array{}},
                           {"creation_time", rfc3339_nano(created)},
                           {"expiration_time", expire ? rfc3339_nano(expire) : "0001-01-01T00:00:00Z"},
                           {"last_updated_time", rfc3339_nano(created)},
                           {"metadata", o["metadata"]},
                           {"secret_id_accessor", o["accessor"]},
                           {"secret_id_num_uses", o["num_uses"]},
                           {"secret_id_ttl", expire ? (expire - created) / 1000000000 : 0},
                           {"token_bound_cidrs", json::array{}}},
              "approle");
}

response secret_id_destroy(call& c, const std::string& name, bool by_accessor)
{
    std::string prefix = c.mount.data_prefix();
    std::string hash;
    json::value v = field(c.req, by_accessor ? "secret_id_accessor" : "secret_id");
    if (!v.is_string())
        return error(400, {by_accessor ? "missing secret_id_accessor" : "missing secret_id"});
    if (by_accessor)
    {
        const std::string* h = c.st.find(prefix + "accessor/" + name + "/" + std::string(v.get_string()));
        if (!h)
            return error(400, {"failed to find accessor entry for secret_id_accessor: \"" +
                               std::string(v.get_string()) + "\""});
        hash = *h;
        c.st.del(prefix + "accessor/" + name + "/" + std::string(v.get_string()));
    }
    else
    {
        hash = sha256_hex(v.get_string());
        const std::string* raw = c.st.find(prefix + "secret_id/" + name + "/" + hash);
        if (raw)
        {
            boost::system::error_code ec;
            json::value e = json::parse(*raw, ec);
            if (!ec && e.is_object() && e.get_object()["accessor"].is_string())
                c.st.del(prefix + "accessor/" + name + "/" +
                         std::string(e.get_object()["accessor"].get_string()));
        }
    }
    c.st.del(prefix + "secret_id/" + name + "/" + hash);
    return no_content();
}

// Endpoints below role/<name>/: role-id, secret-id (+ lookup/destroy), custom-secret-id, accessor ops.
response role_sub(call& c, const std::string& name, std::string_view sub)
{
    auto r = load_role(c.st, c.mount, name);
    if (!r)
        return c.op == "list" ? not_found() : error(400, {"role \"" + name + "\" does not exist"});
    bool write = c.op == "create" || c.op == "update";
    if (sub == "role-id" && c.op == "read")
        return ok(json::object{{"role_id", r->role_id}}, "approle");
    if (sub == "role-id" && write)
        return set_role_id(c, name, *r);
    if (sub == "secret-id" && write)
        return issue_secret_id(c, name, *r, random_alnum(8) + "-" + new_uuid().substr(9));
    if (sub == "custom-secret-id" && write)
    {
        json::value s = field(c.req, "secret_id");
        if (!s.is_string() || s.get_string().empty())
            return error(400, {"missing secret_id"});
        return issue_secret_id(c, name, *r, std::string(s.get_string()));
    }
    if (sub == "secret-id/" && c.op == "list")
        return list_response(c.st.list(c.mount.data_prefix() + "accessor/" + name + "/"), "approle");
    if ((sub == "secret-id/lookup" || sub == "secret-id-accessor/lookup") && write)
        return secret_id_lookup(c, name, sub.starts_with("secret-id-accessor"));
    if ((sub == "secret-id/destroy" || sub == "secret-id-accessor/destroy") && (write || c.op == "delete"))
        return secret_id_destroy(c, name, sub.starts_with("secret-id-accessor"));
    return error(405, {"unsupported operation"});
}

}  // namespace

bool unauthenticated(std::string_view rel)
{
    return rel == "login";
}

response handle(call& c)
{
    std::string_view rel = c.rel;
    if (rel == "login")
        return c.op == "create" || c.op == "update" ? login(c) : error(405, {"unsupported operation"});
    if (rel == "role/" && c.op == "list")
        return list_response(c.st.list(c.mount.data_prefix() + "role/"), "approle");
    if (!rel.starts_with("role/"))
        return error(404, {"unsupported path"});
    rel.remove_prefix(5);
    auto slash = rel.find('/');
    std::string name(rel.substr(0, slash));
    if (slash == std::string_view::npos)
        return role_crud(c, name);
    return role_sub(c, name, rel.substr(slash + 1));
}

}  // namespace vsim::approle
