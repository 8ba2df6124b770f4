// Token store storage: entries by sha256 of the id, accessor and parent indexes, expiry and revocation.
#include "token_store.hpp"

#include "lease_store.hpp"

#include <algorithm>

namespace vsim {

namespace {

constexpr std::string_view id_prefix = "sys/token/id/";
constexpr std::string_view accessor_prefix = "sys/token/accessor/";
constexpr std::string_view parent_prefix = "sys/token/parent/";
constexpr std::string_view cubby_prefix = "sys/cubbyhole/";

}  // namespace

std::int64_t token_entry::ttl_left(std::int64_t now_ns) const
{
    if (expire_ns == 0)
        return 0;
    // Rounded to the nearest second, so a token read right after creation reports its full TTL.
    return std::max<std::int64_t>(0, (expire_ns - now_ns + 500000000) / 1000000000);
}

std::string token_key(const std::string& id)
{
    return std::string(id_prefix) + sha256_hex(id);
}
std::string token_key_for_hash(const std::string& hash)
{
    return std::string(id_prefix) + hash;
}
std::string cubbyhole_prefix(const std::string& id)
{
    return std::string(cubby_prefix) + sha256_hex(id) + "/";
}

std::optional<token_entry> parse_token(std::string_view raw)
{
    boost::system::error_code ec;
    json::value v = json::parse(raw, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    auto& o = v.get_object();
    token_entry t;
    t.id = string_at(o, "id");
    t.accessor = string_at(o, "accessor");
    t.parent = string_at(o, "parent");
    t.display_name = string_at(o, "display_name");
    t.path = string_at(o, "path");
    if (auto* p = o.if_contains("policies"); p && p->is_array())
        for (auto& e : p->get_array())
            if (e.is_string())
                t.policies.emplace_back(e.get_string());
    if (auto* m = o.if_contains("meta"))
        t.meta = *m;
    t.creation_time = int_at(o, "creation_time");
    t.creation_ttl = int_at(o, "creation_ttl");
    t.explicit_max_ttl = int_at(o, "explicit_max_ttl");
    t.period = int_at(o, "period");
    t.num_uses = int_at(o, "num_uses");
    t.issue_ns = int_at(o, "issue_ns");
    t.expire_ns = int_at(o, "expire_ns");
    t.renewable = o.contains("renewable") && o.at("renewable").is_bool() && o.at("renewable").get_bool();
    t.orphan = o.contains("orphan") && o.at("orphan").is_bool() && o.at("orphan").get_bool();
    return t;
}

std::string serialize_token(const token_entry& t)
{
    json::object o{{"id", t.id},
                   {"accessor", t.accessor},
                   {"parent", t.parent},
                   {"display_name", t.display_name},
                   {"path", t.path},
                   {"policies", to_array(t.policies)},
                   {"meta", t.meta},
                   {"creation_time", t.creation_time},
                   {"creation_ttl", t.creation_ttl},
                   {"explicit_max_ttl", t.explicit_max_ttl},
                   {"period", t.period},
                   {"num_uses", t.num_uses},
                   {"issue_ns", t.issue_ns},
                   {"expire_ns", t.expire_ns},
                   {"renewable", t.renewable},
                   {"orphan", t.orphan}};
    return json::serialize(o);
}

std::optional<token_entry> lookup_token(const storage& st, const std::string& id, std::int64_t now_ns)
{
    if (id.empty())
        return std::nullopt;
    const std::string* raw = st.find(token_key(id));
    if (!raw)
        return std::nullopt;
    auto t = parse_token(*raw);
    if (!t || (t->expire_ns != 0 && t->expire_ns <= now_ns))
        return std::nullopt;
    return t;
}

std::optional<token_entry> lookup_accessor(const storage& st, const std::string& accessor,
                                           std::int64_t now_ns)
{
    if (accessor.empty())
        return std::nullopt;
    const std::string* hash = st.find(std::string(accessor_prefix) + accessor);
    if (!hash)
        return std::nullopt;
    const std::string* raw = st.find(token_key_for_hash(*hash));
    if (!raw)
        return std::nullopt;
    auto t = parse_token(*raw);
    if (!t || (t->expire_ns != 0 && t->expire_ns <= now_ns))
        return std::nullopt;
    return t;
}

void save_token(storage& st, const token_entry& t)
{
    st.put(token_key(t.id), serialize_token(t));
}

token_entry create_token(storage& st, token_params p, std::int64_t now_ns)
{
    token_entry t;
    t.id = p.fixed_id.empty() ? "hvs." + random_alnum(24) : p.fixed_id;
    t.accessor = random_alnum(24);
    t.orphan = p.orphan || p.parent.empty();
    t.parent = t.orphan ? std::string() : p.parent;
    t.display_name = p.display_name;
    t.path = p.path;
    t.policies = std::move(p.policies);
    t.meta = std::move(p.meta);
    t.creation_time = now_ns / 1000000000;
    t.creation_ttl = p.period ? p.period : p.ttl;
    t.explicit_max_ttl = p.explicit_max_ttl;
    t.period = p.period;
    t.num_uses = p.num_uses;
    t.issue_ns = now_ns;
    t.expire_ns = t.creation_ttl ? now_ns + t.creation_ttl * 1000000000 : 0;
    t.renewable = p.renewable && t.creation_ttl != 0;
    std::string hash = sha256_hex(t.id);
    st.put(token_key_for_hash(hash), serialize_token(t));
    st.put(std::string(accessor_prefix) + t.accessor, hash);
    if (!t.parent.empty())
        st.put(std::string(parent_prefix) + t.parent + "/" + hash, "");
    return t;
}

namespace {

void revoke_hash(storage& st, const std::string& hash, int depth)
{
    const std::string* raw = st.find(token_key_for_hash(hash));
    if (raw)
    {
        if (auto t = parse_token(*raw))
        {
            st.del(std::string(accessor_prefix) + t->accessor);
            if (!t->parent.empty())
                st.del(std::string(parent_prefix) + t->parent + "/" + hash);
        }
        st.del(token_key_for_hash(hash));
    }
    st.del_prefix(std::string(cubby_prefix) + hash + "/");
    // Vault's RevokeTree revokes the token's leases first (expiration.RevokeByToken).
    leases::revoke_by_token(st, hash);
    // Children die with their parent; the depth bound only guards against a corrupt cycle.
    std::string children = std::string(parent_prefix) + hash + "/";
    if (depth < 64)
        for (auto& child : st.list(children))
            revoke_hash(st, child, depth + 1);
    st.del_prefix(children);
}

}  // namespace

void revoke_token(storage& st, const std::string& id)
{
    revoke_hash(st, sha256_hex(id), 0);
}

void revoke_orphan(storage& st, const std::string& id)
{
    std::string hash = sha256_hex(id);
    std::string children = std::string(parent_prefix) + hash + "/";
    for (auto& child : st.list(children))
    {
        const std::string* raw = st.find(token_key_for_hash(child));
        auto t = raw ? parse_token(*raw) : std::nullopt;
        if (!t)
            continue;
        t->parent.clear();
        t->orphan = true;
        st.put(token_key_for_hash(child), serialize_token(*t));
    }
    st.del_prefix(children);
    revoke_hash(st, hash, 0);
}

json::object auth_block(const token_entry& t, std::int64_t now_ns)
{
    json::array pols = to_array(t.policies);
    return {{"client_token", t.id},       {"accessor", t.accessor},
            {"policies", pols},           {"token_policies", pols},
            {"metadata", t.meta},         {"lease_duration", t.ttl_left(now_ns)},
            {"renewable", t.renewable},   {"entity_id", ""},
            {"token_type", "service"},    {"orphan", t.orphan},
            {"mfa_requirement", nullptr}, {"num_uses", t.num_uses}};
}

json::object lookup_data(const token_entry& t, std::int64_t now_ns)
{
    json::object o{
        {"accessor", t.accessor},
        {"creation_time", t.creation_time},
        {"creation_ttl", t.creation_ttl},
        {"display_name", t.display_name},
        {"entity_id", ""},
        {"expire_time", t.expire_ns ? json::value(rfc3339_nano(t.expire_ns)) : json::value(nullptr)},
        {"explicit_max_ttl", t.explicit_max_ttl},
        {"id", t.id},
        {"meta", t.meta},
        {"num_uses", t.num_uses},
        {"orphan", t.orphan},
        {"path", t.path},
        {"policies", to_array(t.policies)},
        {"renewable", t.renewable},
        {"ttl", t.ttl_left(now_ns)},
        {"type", "service"}};
    if (!t.is_root())
        o["issue_time"] = rfc3339_nano(t.issue_ns);
    if (t.period)
        o["period"] = t.period;
    return o;
}

}  // namespace vsim
