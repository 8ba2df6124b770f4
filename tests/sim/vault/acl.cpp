// ACL evaluation: merged exact rules and Vault's priority ordering of glob ('*') and segment ('+') rules.
#include "acl.hpp"

#include <algorithm>

namespace vsim {

namespace {

std::uint32_t merge(std::uint32_t a, std::uint32_t b)
{
    std::uint32_t m = a | b;
    // An explicit deny anywhere overrides every grant on the same pattern.
    return (m & cap::deny) ? cap::deny : m;
}

bool is_plus_segment(std::string_view p, std::size_t i)
{
    return p[i] == '+' && (i == 0 || p[i - 1] == '/') && (i + 1 == p.size() || p[i + 1] == '/');
}

}  // namespace

acl::acl(const std::vector<const policy*>& policies, bool root)
    : root_(root)
{
    std::unordered_map<std::string, std::uint32_t> globs;
    for (auto* p : policies)
    {
        for (auto& r : p->rules)
        {
            bool wild = r.pattern.ends_with('*') || r.pattern.find('+') != std::string::npos;
            auto& slot = wild ? globs[r.pattern] : exact_[r.pattern];
            slot = merge(slot, r.caps);
        }
    }
    for (auto& [pattern, caps] : globs)
    {
        glob_rule g;
        g.prefix = pattern.ends_with('*');
        g.pattern = g.prefix ? pattern.substr(0, pattern.size() - 1) : pattern;
        g.first_wild = g.pattern.size();
        for (std::size_t i = 0; i < g.pattern.size(); ++i)
        {
            if (is_plus_segment(g.pattern, i))
            {
                g.first_wild = std::min(g.first_wild, i);
                ++g.plus_count;
            }
        }
        g.caps = caps;
        globs_.push_back(std::move(g));
    }
}

bool acl::matches(const glob_rule& r, std::string_view path)
{
    std::string_view p = r.pattern;
    std::size_t i = 0, j = 0;
    while (i < p.size())
    {
        if (is_plus_segment(p, i))
        {
            // '+' consumes exactly one path segment.
            while (j < path.size() && path[j] != '/')
                ++j;
            ++i;
            continue;
        }
        if (j >= path.size() || p[i] != path[j])
            return false;
        ++i;
        ++j;
    }
    return r.prefix || j == path.size();
}

bool acl::lower(const glob_rule& a, const glob_rule& b)
{
    // Position of the first wildcard: '*' counts at the end of the pattern.
    if (a.first_wild != b.first_wild)
        return a.first_wild < b.first_wild;
    if (a.prefix != b.prefix)
        return a.prefix;
    if (a.plus_count != b.plus_count)
        return a.plus_count > b.plus_count;
    if (a.pattern.size() != b.pattern.size())
        return a.pattern.size() < b.pattern.size();
    return a.pattern < b.pattern;
}

std::uint32_t acl::capabilities(std::string_view path, bool list_op) const
{
    if (auto it = exact_.find(std::string(path)); it != exact_.end())
        return it->second;
    if (list_op && path.ends_with('/'))
        if (auto it = exact_.find(std::string(path.substr(0, path.size() - 1))); it != exact_.end())
            return it->second;
    const glob_rule* best = nullptr;
    for (auto& g : globs_)
        if (matches(g, path) && (!best || lower(*best, g)))
            best = &g;
    return best ? best->caps : 0;
}

bool acl::allows(std::string_view path, std::string_view op) const
{
    if (root_)
        return true;
    std::uint32_t caps = capabilities(path, op == "list");
    if (caps & cap::deny)
        return false;
    return (caps & capability_for_op(op)) != 0;
}

bool glob_matches(std::string_view pattern, std::string_view path)
{
    policy p{"t", {{std::string(pattern), cap::read}}};
    acl a({&p});
    return a.capabilities(path) != 0;
}

}  // namespace vsim
