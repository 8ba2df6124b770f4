// Go-compatible duration parsing and formatting (time.ParseDuration / Duration.String).
#include "common/util.hpp"

#include <cmath>
#include <cstdint>

namespace simc {
namespace {

// Nanoseconds per unit, or 0 for an unknown unit.
std::int64_t unit_ns(std::string_view unit)
{
    if (unit == "ns")
        return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
        return 1'000;
    if (unit == "ms")
        return 1'000'000;
    if (unit == "s")
        return 1'000'000'000;
    if (unit == "m")
        return 60'000'000'000;
    if (unit == "h")
        return 3'600'000'000'000;
    return 0;
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s)
{
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+'))
    {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0")
        return std::chrono::nanoseconds{0};
    if (s.empty())
        return std::nullopt;
    long double total = 0;
    while (!s.empty())
    {
        // Number: digits, optional fraction.
        std::size_t i = 0;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        std::size_t int_digits = i;
        std::size_t frac_digits = 0;
        if (i < s.size() && s[i] == '.')
        {
            ++i;
            while (i < s.size() && is_digit(s[i]))
            {
                ++i;
                ++frac_digits;
            }
        }
        if (int_digits == 0 && frac_digits == 0)
            return std::nullopt;
        long double number = std::stold(std::string(s.substr(0, i)) + (int_digits ? "" : "0"));
        // Unit: everything up to the next digit or '.'.
        std::size_t j = i;
        while (j < s.size() && !is_digit(s[j]) && s[j] != '.')
            ++j;
        auto unit = unit_ns(s.substr(i, j - i));
        if (unit == 0)
            return std::nullopt;
        total += number * static_cast<long double>(unit);
        s.remove_prefix(j);
    }
    if (total > static_cast<long double>(INT64_MAX))
        return std::nullopt;
    auto ns = static_cast<std::int64_t>(std::llround(total));
    return std::chrono::nanoseconds{negative ? -ns : ns};
}

namespace {

// "1.500" -> "1.5", "2.000" -> "2": Go prints the fraction without trailing zeros.
std::string with_fraction(std::uint64_t whole, std::uint64_t frac, int digits)
{
    std::string out = std::to_string(whole);
    if (frac == 0)
        return out;
    std::string f = std::to_string(frac);
    f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
    while (!f.empty() && f.back() == '0')
        f.pop_back();
    return out + "." + f;
}

}  // namespace

std::string format_go_duration(std::chrono::nanoseconds d)
{
    std::int64_t v = d.count();
    std::string sign = v < 0 ? "-" : "";
    std::uint64_t u = v < 0 ? static_cast<std::uint64_t>(-v) : static_cast<std::uint64_t>(v);
    if (u == 0)
        return "0s";
    // Below one second Go picks the largest unit that keeps the integer part non-zero.
    if (u < 1'000)
        return sign + std::to_string(u) + "ns";
    if (u < 1'000'000)
        return sign + with_fraction(u / 1'000, u % 1'000, 3) + "\xC2\xB5s";
    if (u < 1'000'000'000)
        return sign + with_fraction(u / 1'000'000, u % 1'000'000, 6) + "ms";
    std::uint64_t secs = u / 1'000'000'000;
    std::string seconds = with_fraction(secs % 60, u % 1'000'000'000, 9) + "s";
    std::uint64_t mins = secs / 60;
    if (mins == 0)
        return sign + seconds;
    std::uint64_t hours = mins / 60;
    if (hours == 0)
        return sign + std::to_string(mins) + "m" + seconds;
    return sign + std::to_string(hours) + "h" + std::to_string(mins % 60) + "m" + seconds;
}

}  // namespace simc
