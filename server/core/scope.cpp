// Scope names and the job-name glob.
#include "core/scope.hpp"

namespace vk {

std::string_view to_string(scope s)
{
    switch (s)
    {
    case scope::read: return "read";
    case scope::operate: return "operate";
    case scope::approve: return "approve";
    case scope::rekey: return "rekey";
    case scope::restore: return "restore";
    case scope::custodian_share: return "custodian-share";
    }
    return "read";
}

std::optional<scope> scope_named(std::string_view name)
{
    for (auto s : every_scope)
        if (to_string(s) == name)
            return s;
    return std::nullopt;
}

scope_set scope_set::all()
{
    scope_set out;
    for (auto s : every_scope)
        out.add(s);
    return out;
}

scope_set scope_set::parse(const std::vector<std::string>& names, std::string* unknown)
{
    scope_set out;
    for (const auto& n : names)
    {
        if (n == "*")
            out = all();
        else if (auto s = scope_named(n))
            out.add(*s);
        else if (unknown && unknown->empty())
            *unknown = n;
    }
    return out;
}

std::vector<std::string> scope_set::names() const
{
    std::vector<std::string> out;
    for (auto s : every_scope)
        if (has(s))
            out.emplace_back(to_string(s));
    return out;
}

bool glob_match(std::string_view pattern, std::string_view name)
{
    // Iterative matching with one backtrack point (the last '*'): linear in practice, no recursion.
    std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
    while (n < name.size())
    {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n]))
        {
            ++p;
            ++n;
        }
        else if (p < pattern.size() && pattern[p] == '*')
        {
            star = p++;
            resume = n;
        }
        else if (star != std::string_view::npos)
        {
            p = star + 1;
            n = ++resume;
        }
        else
            return false;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

}  // namespace vk
