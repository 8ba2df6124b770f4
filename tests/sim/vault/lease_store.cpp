// Leases of dynamic secrets (see lease_store.hpp).
#include "lease_store.hpp"

#include "token_store.hpp"

#include <algorithm>

namespace vsim::leases {

namespace {

constexpr std::string_view id_prefix = "sys/expire/id/";
constexpr std::string_view token_prefix = "sys/expire/token/";
constexpr std::int64_t ns_per_s = 1000000000;
// Vault's lease ids end in base62.Random(TokenLength), 24 characters.
constexpr std::size_t lease_suffix_len = 24;

std::string id_key(std::string_view id)
{
    return std::string(id_prefix) + std::string(id);
}

std::string token_index_key(const lease& l)
{
    return std::string(token_prefix) + l.token_hash + "/" + l.id;
}

std::int64_t effective_max(std::int64_t max_ttl)
{
    return max_ttl > 0 && max_ttl < system_max_ttl ? max_ttl : system_max_ttl;
}

std::string serialize(const lease& l)
{
    return json::serialize(json::object{{"lease_id", l.id},
                                        {"token", l.token_hash},
                                        {"issue_ns", l.issue_ns},
                                        {"expire_ns", l.expire_ns},
                                        {"last_renewal_ns", l.last_renewal_ns},
                                        {"ttl", l.ttl},
                                        {"max_ttl", l.max_ttl},
                                        {"renewable", l.renewable}});
}

std::optional<lease> parse(std::string_view raw)
{
    boost::system::error_code ec;
    json::value v = json::parse(raw, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    const auto& o = v.get_object();
    auto num = [&](std::string_view k) { return int_at(o, k); };
    auto str = [&](std::string_view k) { return string_at(o, k); };
    const auto* r = o.if_contains("renewable");
    return lease{str("lease_id"),        str("token"), num("issue_ns"), num("expire_ns"),
                 num("last_renewal_ns"), num("ttl"),   num("max_ttl"),  r && r->is_bool() && r->get_bool()};
}

void save(storage& st, const lease& l)
{
    st.put(id_key(l.id), serialize(l));
    st.put(token_index_key(l), "");
}

// A lease dies at its expiry and with its token (revoked, or past its own TTL).
bool alive(const storage& st, const lease& l, std::int64_t now_ns)
{
    if (l.expire_ns <= now_ns)
        return false;
    const std::string* raw = st.find(token_key_for_hash(l.token_hash));
    auto t = raw ? parse_token(*raw) : std::nullopt;
    return t && (t->expire_ns == 0 || t->expire_ns > now_ns);
}

// Keys of every stored lease whose id starts with prefix.
std::vector<std::string> ids_with_prefix(const storage& st, std::string_view prefix)
{
    std::vector<std::string> out;
    const std::string from = id_key(prefix);
    for (auto it = st.entries().lower_bound(from); it != st.entries().end() && it->first.starts_with(from);
         ++it)
        out.push_back(it->first.substr(id_prefix.size()));
    return out;
}

}  // namespace

std::int64_t initial_ttl(std::int64_t ttl, std::int64_t max_ttl)
{
    return std::min(ttl > 0 ? ttl : system_max_ttl, effective_max(max_ttl));
}

lease create(storage& st, const lease_request& r, std::int64_t now_ns)
{
    lease l;
    l.id = r.path + "/" + random_alnum(lease_suffix_len);
    l.token_hash = r.token_hash;
    l.issue_ns = now_ns;
    l.ttl = r.ttl;
    l.max_ttl = r.max_ttl;
    l.renewable = r.renewable;
    l.expire_ns = now_ns + initial_ttl(r.ttl, r.max_ttl) * ns_per_s;
    save(st, l);
    return l;
}

std::optional<lease> find_live(storage& st, const std::string& id, std::int64_t now_ns)
{
    const std::string* raw = st.find(id_key(id));
    if (!raw)
        return std::nullopt;
    auto l = parse(*raw);
    if (l && alive(st, *l, now_ns))
        return l;
    revoke(st, id);
    return std::nullopt;
}

std::variant<renewal, std::string> renew(storage& st, const std::string& id, std::int64_t increment,
                                         std::int64_t now_ns)
{
    auto l = find_live(st, id, now_ns);
    if (!l)
        return std::string("lease not found");
    if (!l->renewable)
        return std::string("lease is not renewable");
    // sdk/framework.CalculateTTL: the proposed TTL, then capped by what the max TTL (from issue) leaves.
    renewal r;
    r.ttl = increment > 0 ? increment : (l->ttl > 0 ? l->ttl : system_max_ttl);
    const std::int64_t left_ns = l->issue_ns + effective_max(l->max_ttl) * ns_per_s - now_ns;
    if (left_ns < 0)
        return std::string("past the max TTL, cannot renew");
    const std::int64_t left = left_ns / ns_per_s;
    if (r.ttl > left)
    {
        r.warnings.push_back("TTL of \"" + go_duration(r.ttl) + "\" exceeded the effective max_ttl of \"" +
                             go_duration(left) + "\"; TTL value is capped accordingly");
        r.ttl = left;
    }
    l->expire_ns = now_ns + r.ttl * ns_per_s;
    l->last_renewal_ns = now_ns;
    save(st, *l);
    return r;
}

bool revoke(storage& st, const std::string& id)
{
    const std::string* raw = st.find(id_key(id));
    if (!raw)
        return false;
    if (auto l = parse(*raw))
        st.del(token_index_key(*l));
    st.del(id_key(id));
    return true;
}

std::size_t revoke_prefix(storage& st, std::string prefix)
{
    if (!prefix.empty() && !prefix.ends_with('/'))
        prefix += '/';
    std::size_t n = 0;
    for (const auto& id : ids_with_prefix(st, prefix))
        n += revoke(st, id) ? 1 : 0;
    return n;
}

std::size_t revoke_by_token(storage& st, const std::string& token_hash)
{
    const std::string from = std::string(token_prefix) + token_hash + "/";
    std::vector<std::string> ids;
    for (auto it = st.entries().lower_bound(from); it != st.entries().end() && it->first.starts_with(from);
         ++it)
        ids.push_back(it->first.substr(from.size()));
    std::size_t n = 0;
    for (const auto& id : ids)
        n += revoke(st, id) ? 1 : 0;
    st.del_prefix(from);
    return n;
}

std::vector<lease> live(storage& st, std::int64_t now_ns)
{
    std::vector<lease> out;
    for (const auto& id : ids_with_prefix(st, ""))
        if (auto l = find_live(st, id, now_ns))
            out.push_back(std::move(*l));
    return out;
}

std::vector<std::string> list(storage& st, const std::string& prefix, std::int64_t now_ns)
{
    std::vector<std::string> out;
    for (const auto& l : live(st, now_ns))
    {
        if (!l.id.starts_with(prefix))
            continue;
        std::string rest = l.id.substr(prefix.size());
        if (auto slash = rest.find('/'); slash != std::string::npos)
            rest.resize(slash + 1);
        if (out.empty() || out.back() != rest)
            out.push_back(std::move(rest));
    }
    return out;
}

json::object lookup_json(const lease& l, std::int64_t now_ns)
{
    // leaseEntry.ttl(): seconds to expiry against a clock rounded to the second.
    const std::int64_t rounded_now = (now_ns + ns_per_s / 2) / ns_per_s * ns_per_s;
    return {{"id", l.id},
            {"issue_time", rfc3339_nano(l.issue_ns)},
            {"expire_time", rfc3339_nano(l.expire_ns)},
            {"last_renewal", l.last_renewal_ns ? json::value(rfc3339_nano(l.last_renewal_ns)) : nullptr},
            {"renewable", l.renewable},
            {"ttl", (l.expire_ns - rounded_now) / ns_per_s}};
}

}  // namespace vsim::leases
