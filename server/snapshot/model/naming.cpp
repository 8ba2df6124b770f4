// Snapshot names <-> times (see naming.hpp).
#include "snapshot/model/naming.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace vk::snapshot {
namespace {

using namespace std::chrono;

std::string utc_stamp(system_time t)
{
    const auto ms = floor<milliseconds>(t);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss hms{ms - day};
    char buf[40];
    std::snprintf(
        buf, sizeof buf, "%04d-%02u-%02uT%02lld-%02lld-%02lld.%03lldZ", static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
        static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
        static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
    return buf;
}

// Reads exactly `width` decimal digits at `pos` (no sign, no space).
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t width)
{
    if (pos + width > s.size())
        return std::nullopt;
    const auto field = s.substr(pos, width);
    if (!std::all_of(field.begin(), field.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    int v = 0;
    std::from_chars(field.data(), field.data() + field.size(), v);
    return v;
}

// "YYYY-MM-DDTHH-MM-SS" followed by "Z" (earlier versions) or ".mmmZ".
std::optional<system_time> parse_utc_stamp(std::string_view s)
{
    const bool with_ms = s.size() == 24 && s[19] == '.';
    if ((s.size() != 20 && !with_ms) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != '-' ||
        s[16] != '-' || s.back() != 'Z')
        return std::nullopt;
    auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
    auto ms = with_ms ? digits(s, 20, 3) : std::optional<int>(0);
    if (!y || !mo || !d || !h || !mi || !se || !ms || *h > 23 || *mi > 59 || *se > 59)
        return std::nullopt;
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok())
        return std::nullopt;
    return system_time{sys_days{ymd}} + hours{*h} + minutes{*mi} + seconds{*se} + milliseconds{*ms};
}

std::optional<system_time> parse_unix_nano(std::string_view s)
{
    std::int64_t ns = 0;
    if (s.empty() || s.size() > 19 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ns);
    if (ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return system_time{duration_cast<system_clock::duration>(nanoseconds{ns})};
}

}  // namespace

system_time::duration name_resolution(timestamp_style s)
{
    if (s == timestamp_style::unix_nano)
        return duration_cast<system_time::duration>(nanoseconds{1});
    return duration_cast<system_time::duration>(milliseconds{1});
}

system_time next_name_time(timestamp_style s, system_time now, std::optional<system_time> previous)
{
    system_time t = s == timestamp_style::unix_nano ? system_time(floor<nanoseconds>(now))
                                                    : system_time(floor<milliseconds>(now));
    if (previous && t <= *previous)
        t = *previous + name_resolution(s);
    return t;
}

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

std::vector<std::size_t> newest_first(const std::vector<std::string>& names, const name_format& f)
{
    std::vector<std::pair<system_time, std::size_t>> ours;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (auto t = parse_snapshot_name(f, names[i]))
            ours.emplace_back(*t, i);
    std::sort(ours.begin(), ours.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : names[a.second] > names[b.second];
    });
    std::vector<std::size_t> order;
    for (const auto& [t, i] : ours)
        order.push_back(i);
    return order;
}

}  // namespace vk::snapshot
