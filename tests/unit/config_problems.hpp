// For kind settings tests: parse a config document and list its problems as "pointer: message" lines.
#ifndef VAULTKEEPER_TESTS_UNIT_CONFIG_PROBLEMS_HPP
#define VAULTKEEPER_TESTS_UNIT_CONFIG_PROBLEMS_HPP

#include "core/config.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace vk::test {

inline std::vector<std::string> config_problems_of(const std::string& doc, const kind_parsers& kinds,
                                                   const std::string& source = "cfg.json")
{
    auto r = parse_config(doc, source, kinds);
    std::vector<std::string> out;
    if (!r)
        for (const auto& p : r.error().problems)
            out.push_back(p.pointer + ": " + p.message);
    return out;
}

// Config inputs from tables: exactly these files and environment variables exist.
inline config_inputs table_inputs(std::map<std::string, std::string> files,
                                  std::map<std::string, std::string> env)
{
    auto lookup = [](std::map<std::string, std::string> table) {
        return [table = std::move(table)](const std::string& key) -> std::optional<std::string> {
            auto it = table.find(key);
            if (it == table.end())
                return std::nullopt;
            return it->second;
        };
    };
    return config_inputs{lookup(std::move(files)), lookup(std::move(env))};
}

// True when some problem line contains `needle`.
inline bool mentions(const std::vector<std::string>& problems, const std::string& needle)
{
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(needle) != std::string::npos; });
}

}  // namespace vk::test

#endif
