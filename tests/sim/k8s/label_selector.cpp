// Label selector parsing and matching (see label_selector.hpp). `=`/`==` are `in` with one value and `!=` is
// `notin` with one value, as in k8s.io/apimachinery; `!=` and `notin` also select objects without the key.
#include "label_selector.hpp"

#include <algorithm>

namespace ksim {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// Splits on commas that are not inside parentheses.
std::vector<std::string_view> split_requirements(std::string_view text)
{
    std::vector<std::string_view> parts;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
    {
        if (i == text.size() || (text[i] == ',' && depth == 0))
        {
            parts.push_back(trim(text.substr(start, i - start)));
            start = i + 1;
        }
        else if (text[i] == '(')
            ++depth;
        else if (text[i] == ')')
            --depth;
    }
    return parts;
}

bool valid_token(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
    });
}

// Values may be empty ("k=" selects an empty value).
bool valid_value(std::string_view s)
{
    return s.empty() || valid_token(s);
}

}  // namespace

std::optional<label_selector> label_selector::parse(std::string_view text, std::string& error)
{
    label_selector sel;
    if (trim(text).empty())
        return sel;
    for (auto part : split_requirements(text))
    {
        auto fail = [&](const std::string& why) {
            error = "unable to parse requirement: " + why;
            return std::nullopt;
        };
        requirement r;
        const auto set_pos =
            part.find(" in ") != std::string_view::npos ? part.find(" in ") : part.find(" notin ");
        if (set_pos != std::string_view::npos)
        {
            const bool negated = part.substr(set_pos, 7) == " notin ";
            r.key = std::string(trim(part.substr(0, set_pos)));
            r.kind = negated ? op::not_in : op::in;
            auto list = trim(part.substr(set_pos + (negated ? 7 : 4)));
            if (list.size() < 2 || list.front() != '(' || list.back() != ')')
                return fail("found '" + std::string(list) + "', expected: '('");
            for (auto v : split_requirements(list.substr(1, list.size() - 2)))
            {
                if (!valid_value(v))
                    return fail("invalid label value: \"" + std::string(v) + "\"");
                r.values.emplace_back(v);
            }
        }
        else if (auto ne = part.find("!="); ne != std::string_view::npos)
        {
            r = {std::string(trim(part.substr(0, ne))), op::not_in, {std::string(trim(part.substr(ne + 2)))}};
        }
        else if (auto eq = part.find('='); eq != std::string_view::npos)
        {
            const auto skip = part.substr(eq, 2) == "==" ? 2 : 1;
            r = {std::string(trim(part.substr(0, eq))), op::in, {std::string(trim(part.substr(eq + skip)))}};
        }
        else if (part.starts_with("!"))
            r = {std::string(trim(part.substr(1))), op::not_exists, {}};
        else
            r = {std::string(part), op::exists, {}};
        if (!valid_token(r.key))
            return fail("invalid label key \"" + r.key + "\"");
        for (const auto& v : r.values)
            if (!valid_value(v))
                return fail("invalid label value: \"" + v + "\"");
        sel.requirements_.push_back(std::move(r));
    }
    return sel;
}

bool label_selector::matches(const std::map<std::string, std::string>& labels) const
{
    return std::all_of(requirements_.begin(), requirements_.end(), [&](const requirement& r) {
        auto it = labels.find(r.key);
        const bool has = it != labels.end();
        const bool listed = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
        switch (r.kind)
        {
        case op::exists: return has;
        case op::not_exists: return !has;
        case op::in: return listed;
        case op::not_in: return !listed;
        }
        return false;
    });
}

std::vector<std::string> label_selector::keys() const
{
    std::vector<std::string> out;
    for (const auto& r : requirements_)
        out.push_back(r.key);
    return out;
}

}  // namespace ksim
