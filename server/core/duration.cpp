// Go-style duration parsing and formatting.
#include "core/duration.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace vk {
namespace {

// Milliseconds per unit, or 0 for an unknown unit.
double unit_ms(std::string_view unit)
{
    if (unit == "h")
        return 3'600'000.0;
    if (unit == "m")
        return 60'000.0;
    if (unit == "s")
        return 1'000.0;
    if (unit == "ms")
        return 1.0;
    return 0.0;
}

}  // namespace

std::optional<duration> parse_duration(std::string_view text)
{
    if (text == "0")
        return duration{0};
    if (text.empty())
        return std::nullopt;
    double total = 0;
    std::size_t i = 0;
    while (i < text.size())
    {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
            ++i;
        if (start == i)
            return std::nullopt;
        std::string number(text.substr(start, i - start));
        char* end = nullptr;
        double value = std::strtod(number.c_str(), &end);
        if (end != number.c_str() + number.size())
            return std::nullopt;
        start = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
            ++i;
        double per = unit_ms(text.substr(start, i - start));
        if (per == 0.0)
            return std::nullopt;
        total += value * per;
    }
    // Ten years is far beyond any sensible interval; larger values are typos.
    if (!std::isfinite(total) || total > 315'360'000'000.0)
        return std::nullopt;
    return duration{static_cast<long long>(std::llround(total))};
}

std::string format_duration(duration d)
{
    long long ms = d.count();
    if (ms == 0)
        return "0s";
    if (ms < 1000)
        return std::to_string(ms) + "ms";
    std::string out;
    if (ms >= 3'600'000)
    {
        out += std::to_string(ms / 3'600'000) + "h";
        ms %= 3'600'000;
    }
    if (ms >= 60'000)
    {
        out += std::to_string(ms / 60'000) + "m";
        ms %= 60'000;
    }
    if (ms > 0)
    {
        out += std::to_string(ms / 1000);
        if (ms % 1000)
        {
            std::string frac = std::to_string(1000 + ms % 1000).substr(1);
            while (frac.back() == '0')
                frac.pop_back();
            out += "." + frac;
        }
        out += "s";
    }
    return out;
}

}  // namespace vk
