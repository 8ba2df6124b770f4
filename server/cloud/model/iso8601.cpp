#include "cloud/model/iso8601.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>

namespace vk::cloud {

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s)
{
    std::tm tm{};
    int consumed = 0;
    std::string text(s);
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::size_t ms = 0;
    std::string_view rest = s.substr(static_cast<std::size_t>(consumed));
    if (rest.starts_with("."))
    {
        std::size_t i = 1, scale = 100;
        for (; i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])); ++i, scale /= 10)
            ms += static_cast<std::size_t>(rest[i] - '0') * scale;
        rest = rest.substr(i);
    }
    if (rest != "Z")
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(ms);
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s)
{
    std::tm tm{};
    std::string text(s);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0')
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace vk::cloud
