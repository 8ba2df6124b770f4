#include "cloud/model/aws_profiles.hpp"

namespace vk::cloud::aws {
namespace {

std::string_view trim(std::string_view s)
{
    auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

const ini_section* find(const ini_file& f, std::string_view section)
{
    auto it = f.find(section);
    return it == f.end() ? nullptr : &it->second;
}

}  // namespace

ini_file parse_ini(std::string_view text)
{
    ini_file out;
    ini_section* current = nullptr;
    while (!text.empty())
    {
        auto end = text.find('\n');
        auto raw = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        auto line = trim(raw);
        // Blank lines, comments and indented continuation lines carry nothing credentials need.
        if (line.empty() || line.front() == '#' || line.front() == ';' || raw.front() == ' ' ||
            raw.front() == '\t')
            continue;
        if (line.front() == '[' && line.back() == ']')
        {
            current = &out[std::string(trim(line.substr(1, line.size() - 2)))];
            continue;
        }
        auto eq = line.find('=');
        if (!current || eq == std::string_view::npos)
            continue;
        (*current)[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
    }
    return out;
}

const ini_section* config_profile(const shared_files& f, std::string_view name)
{
    if (auto* s = find(f.config, "profile " + std::string(name)))
        return s;
    return name == "default" ? find(f.config, "default") : nullptr;
}

const ini_section* credentials_profile(const shared_files& f, std::string_view name)
{
    return find(f.credentials, name);
}

std::optional<std::string> profile_value(const shared_files& f, std::string_view name, std::string_view key)
{
    for (const auto* s : {credentials_profile(f, name), config_profile(f, name)})
        if (s)
            if (auto it = s->find(key); it != s->end() && !it->second.empty())
                return it->second;
    return std::nullopt;
}

bool has_profile(const shared_files& f, std::string_view name)
{
    return credentials_profile(f, name) || config_profile(f, name);
}

}  // namespace vk::cloud::aws
