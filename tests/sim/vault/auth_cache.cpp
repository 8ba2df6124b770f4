// Token, policy and ACL caches keyed by id/name and checked against the raw stored value on every use.
#include "auth_cache.hpp"

#include "sys_policy.hpp"

namespace vsim {

namespace {

// Bounds memory when a benchmark mints many tokens; a cleared cache only costs re-parsing.
constexpr std::size_t max_cached = 100000;

std::string_view stored(const storage& st, const std::string& key)
{
    const std::string* raw = st.find(key);
    return raw ? std::string_view(*raw) : std::string_view();
}

}  // namespace

const token_entry* auth_cache::token(const storage& st, const std::string& id, std::int64_t now_ns)
{
    if (id.empty())
        return nullptr;
    auto it = tokens_.find(id);
    if (it == tokens_.end())
    {
        if (tokens_.size() >= max_cached)
            tokens_.clear();
        it = tokens_.emplace(id, cached_token{token_key(id), {}, {}}).first;
    }
    cached_token& c = it->second;
    const std::string* raw = st.find(c.key);
    if (!raw)
    {
        tokens_.erase(it);
        return nullptr;
    }
    if (*raw != c.raw || c.entry.id.empty())
    {
        auto parsed = parse_token(*raw);
        if (!parsed)
            return nullptr;
        c.raw = *raw;
        c.entry = std::move(*parsed);
    }
    if (c.entry.expire_ns != 0 && c.entry.expire_ns <= now_ns)
        return nullptr;
    return &c.entry;
}

std::shared_ptr<const policy> auth_cache::policy_of(const storage& st, const std::string& name,
                                                    std::string& raw_out)
{
    raw_out = std::string(stored(st, policy_key(name)));
    auto& slot = policies_[name];
    if (slot.parsed && slot.raw == raw_out)
        return slot.parsed;
    auto p = std::make_shared<policy>();
    p->name = name;
    // A missing or unparsable policy grants nothing, as in Vault.
    if (auto text = policy_text(raw_out))
        parse_policy(*text, *p);
    slot = cached_policy{raw_out, p};
    return p;
}

std::shared_ptr<const acl> auth_cache::acl_of(const storage& st, const token_entry& t)
{
    std::string names;
    for (auto& p : t.policies)
        names += p + ",";
    auto it = acls_.find(names);
    if (it != acls_.end())
    {
        bool fresh = true;
        for (auto& [key, raw] : it->second.sources)
            fresh = fresh && stored(st, key) == raw;
        if (fresh)
            return it->second.compiled;
    }
    cached_acl built;
    std::vector<std::shared_ptr<const policy>> keep;
    std::vector<const policy*> ptrs;
    bool root = false;
    for (auto& name : t.policies)
    {
        if (name == "root")
        {
            root = true;
            continue;
        }
        std::string raw;
        keep.push_back(policy_of(st, name, raw));
        ptrs.push_back(keep.back().get());
        built.sources.emplace_back(policy_key(name), std::move(raw));
    }
    built.compiled = std::make_shared<const acl>(ptrs, root);
    if (acls_.size() >= max_cached)
        acls_.clear();
    return (acls_[names] = std::move(built)).compiled;
}

void auth_cache::clear()
{
    tokens_.clear();
    acls_.clear();
    policies_.clear();
}

}  // namespace vsim
