// metav1.MicroTime (see micro_time.hpp): Go's time.Parse(RFC3339Micro) then Format(RFC3339Micro) in UTC.
#include "micro_time.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace ksim {

namespace {

constexpr std::string_view layout = "2006-01-02T15:04:05.000000Z07:00";

// The number of `width` digits at text[pos]; nullopt when they are not all digits.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width)
{
    if (pos + width > text.size())
        return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + width; ++i)
    {
        if (!std::isdigit(static_cast<unsigned char>(text[i])))
            return std::nullopt;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

// The UTC offset in seconds of the zone suffix ("Z", "+02:00"); nullopt when malformed.
std::optional<long> zone_offset(std::string_view zone)
{
    if (zone == "Z")
        return 0L;
    const auto h = digits(zone, 1, 2), m = digits(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !h || !m || *h > 23 ||
        *m > 59)
        return std::nullopt;
    return (zone[0] == '-' ? -1L : 1L) * (*h * 3600L + *m * 60L);
}

// Go's *time.ParseError text for `rest` not matching the layout element `element`.
std::nullopt_t fail(std::string& error, std::string_view text, std::string_view rest,
                    std::string_view element)
{
    error = "parsing time \"" + std::string(text) + "\" as \"" + std::string(layout) + "\": cannot parse \"" +
            std::string(rest) + "\" as \"" + std::string(element) + "\"";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> normalize_micro_time(std::string_view text, std::string& error)
{
    // "YYYY-MM-DDTHH:MM:SS" at fixed positions.
    const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
        text[10] != 'T' || text[13] != ':' || text[16] != ':' || *month < 1 || *month > 12 || *day < 1 ||
        *day > 31 || *hour > 23 || *minute > 59 || *second > 59)
        return fail(error, text, text, layout.substr(0, 19));
    // Exactly six fractional digits: the layout's ".000000" takes seven characters.
    const auto micros = digits(text, 20, 6);
    if (text.size() < 26 || text[19] != '.' || !micros)
        return fail(error, text, text.substr(19), ".000000");
    const auto offset = zone_offset(text.substr(26));
    if (!offset)
        return fail(error, text, text.substr(26), "Z07:00");
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    const std::time_t utc = ::timegm(&tm) - *offset;
    std::tm out{};
    ::gmtime_r(&utc, &out);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", out.tm_year + 1900, out.tm_mon + 1,
                  out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec, *micros);
    return std::string(buf);
}

}  // namespace ksim
