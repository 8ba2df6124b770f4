// vsync's named-regex transformers on Boost.Regex (see transform.hpp).
#include "sync/model/transform.hpp"

#include <algorithm>

namespace vk::sync {
namespace {

bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// If pattern[i..] opens a named group ("(?P<" or "(?<" followed by a name and '>'), its name.
std::optional<std::string> group_name_at(std::string_view p, std::size_t i, std::size_t& open_len)
{
    open_len = p.compare(i, 4, "(?P<") == 0 ? 4 : (p.compare(i, 3, "(?<") == 0 ? 3 : 0);
    if (open_len == 0)
        return std::nullopt;
    std::size_t j = i + open_len;
    while (j < p.size() && name_char(p[j]))
        ++j;
    // "(?<=" and "(?<!" are lookbehinds, not groups.
    if (j == i + open_len || j >= p.size() || p[j] != '>')
        return std::nullopt;
    return std::string(p.substr(i + open_len, j - i - open_len));
}

std::vector<std::string> split_segments(std::string_view to)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;)
    {
        const auto slash = to.find('/', start);
        out.emplace_back(to.substr(start, slash - start));
        if (slash == std::string_view::npos)
            return out;
        start = slash + 1;
    }
}

void collapse_slashes(std::string& s)
{
    auto end = std::unique(s.begin(), s.end(), [](char a, char b) { return a == '/' && b == '/'; });
    s.erase(end, s.end());
}

}  // namespace

translated_regex translate_re2_names(std::string_view p)
{
    translated_regex out;
    out.pattern.reserve(p.size());
    bool in_class = false;
    for (std::size_t i = 0; i < p.size(); ++i)
    {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size())
        {
            out.pattern += c;
            out.pattern += p[++i];
            continue;
        }
        if (in_class)
        {
            in_class = c != ']';
            out.pattern += c;
            continue;
        }
        std::size_t open_len = 0;
        if (auto name = group_name_at(p, i, open_len))
        {
            out.pattern += "(?<";
            out.names.push_back(std::move(*name));
            i += open_len - 1;
            continue;
        }
        if (c == '[')
        {
            in_class = true;
            out.pattern += c;
            // A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if (i + 1 < p.size() && p[i + 1] == '^')
                out.pattern += p[++i];
            if (i + 1 < p.size() && p[i + 1] == ']')
                out.pattern += p[++i];
            continue;
        }
        out.pattern += c;
    }
    return out;
}

result<transformer> transformer::compile(const transform_config& config)
{
    const auto bad = [&](std::string what) {
        return make_error(errc::invalid_argument, "transform \"" + config.name + "\": " + what);
    };
    auto translated = translate_re2_names(config.from);
    auto sorted = translated.names;
    std::sort(sorted.begin(), sorted.end());
    if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
        return bad("duplicate group name \"" + *dup + "\" in from");
    transformer t;
    t.name_ = config.name;
    try
    {
        t.from_.assign(translated.pattern, boost::regex::perl);
    }
    catch (const boost::regex_error& e)
    {
        return bad("from is not a valid regular expression: " + std::string(e.what()));
    }
    t.groups_ = std::move(translated.names);
    t.to_segments_ = split_segments(config.to);
    return t;
}

std::optional<std::string> transformer::apply(std::string_view path) const
{
    if (groups_.empty())
        return std::nullopt;
    boost::match_results<std::string_view::const_iterator> m;
    // RE2 semantics: '.' does not match '\n', and ^/$ anchor the whole text, not lines.
    const auto flags = boost::match_default | boost::match_not_dot_newline | boost::match_single_line;
    if (!boost::regex_search(path.begin(), path.end(), m, from_, flags))
        return std::nullopt;
    // Every named group must have captured something, used in `to` or not.
    for (const auto& g : groups_)
        if (!m[g].matched || m[g].length() == 0)
            return std::nullopt;
    std::string out;
    for (std::size_t s = 0; s < to_segments_.size(); ++s)
    {
        if (s)
            out += '/';
        const auto& seg = to_segments_[s];
        if (std::find(groups_.begin(), groups_.end(), seg) == groups_.end())
        {
            out += seg;
            continue;
        }
        out.append(m[seg].first, m[seg].second);
    }
    collapse_slashes(out);
    return out;
}

result<transform_pack> transform_pack::compile(const std::vector<transform_config>& configs)
{
    transform_pack pack;
    for (const auto& c : configs)
    {
        auto t = transformer::compile(c);
        if (!t)
            return t.error();
        pack.transformers_.push_back(std::move(*t));
    }
    return pack;
}

transform_outcome transform_pack::apply(std::string_view path) const
{
    for (const auto& t : transformers_)
        if (auto out = t.apply(path))
            return {std::move(*out), t.name()};
    return {std::string(path), {}};
}

}  // namespace vk::sync
