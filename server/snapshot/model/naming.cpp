// Snapshot names <-> times (see naming.hpp).
#include "snapshot/model/naming.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace vk::snapshot {
namespace {

using namespace std::chrono;

std::string utc_stamp(system_time t)
{
    const auto secs = floor<seconds>(t);
    const year_month_day ymd{floor<days>(secs)};
    const hh_mm_ss hms{secs - floor<days>(secs)};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld-%02lld-%02lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return buf;
}

// Reads exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t width)
{
    if (pos + width > s.size())
        return std::nullopt;
    int v = 0;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + width, v);
    if (ec != std::errc{} || end != s.data() + pos + width)
        return std::nullopt;
    return v;
}

std::optional<system_time> parse_utc_stamp(std::string_view s)
{
    // YYYY-MM-DDTHH-MM-SSZ
    if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != '-' || s[16] != '-' ||
        s[19] != 'Z')
        return std::nullopt;
    auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
    if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 59)
        return std::nullopt;
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok())
        return std::nullopt;
    return system_time{sys_days{ymd}} + hours{*h} + minutes{*mi} + seconds{*se};
}

std::optional<system_time> parse_unix_nano(std::string_view s)
{
    std::int64_t ns = 0;
    if (s.empty() || s.size() > 19)
        return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ns);
    if (ec != std::errc{} || end != s.data() + s.size() || ns < 0)
        return std::nullopt;
    return system_time{duration_cast<system_clock::duration>(nanoseconds{ns})};
}

}  // namespace

std::string snapshot_name(const name_format& f, system_time t)
{
    if (f.style == timestamp_style::unix_nano)
        return f.prefix + std::to_string(duration_cast<nanoseconds>(t.time_since_epoch()).count()) + f.suffix;
    return f.prefix + utc_stamp(t) + f.suffix;
}

std::optional<system_time> parse_snapshot_name(const name_format& f, std::string_view name)
{
    if (name.size() < f.prefix.size() + f.suffix.size() || !name.starts_with(f.prefix) ||
        !name.ends_with(f.suffix))
        return std::nullopt;
    const auto stamp = name.substr(f.prefix.size(), name.size() - f.prefix.size() - f.suffix.size());
    return f.style == timestamp_style::unix_nano ? parse_unix_nano(stamp) : parse_utc_stamp(stamp);
}

}  // namespace vk::snapshot
