// RFC3339Nano parser with Go's acceptance rules (see go_time.hpp).
#include "sync/model/go_time.hpp"

namespace vk::sync {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) noexcept
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) noexcept
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Reads exactly n decimal digits at s[pos]; -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) noexcept
{
    if (pos + n > s.size())
        return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i)
    {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool at(std::string_view s, std::size_t pos, char c) noexcept
{
    return pos < s.size() && s[pos] == c;
}

}  // namespace

go_instant go_zero_time() noexcept
{
    return {days_from_civil(1, 1, 1) * 86400, 0};
}

parsed_time parse_rfc3339_nano(std::string_view s) noexcept
{
    const parsed_time fail{go_zero_time(), false};
    const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || minute < 0 || second < 0)
        return fail;
    if (!at(s, 4, '-') || !at(s, 7, '-') || !at(s, 10, 'T') || !at(s, 13, ':') || !at(s, 16, ':'))
        return fail;
    if (day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
        return fail;
    std::size_t pos = 19;
    std::int32_t nanos = 0;
    if (at(s, pos, '.'))
    {
        std::size_t n = 0;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n)
            if (n < 9)
                nanos = nanos * 10 + (s[pos] - '0');
        if (n == 0)
            return fail;
        for (; n < 9; ++n)
            nanos *= 10;
    }
    std::int64_t offset = 0;
    if (at(s, pos, 'Z'))
        ++pos;
    else if (at(s, pos, '+') || at(s, pos, '-'))
    {
        const int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
        if (oh < 0 || om < 0 || !at(s, pos + 3, ':') || oh > 23 || om > 59)
            return fail;
        offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    }
    else
        return fail;
    if (pos != s.size())
        return fail;
    const std::int64_t secs =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        hour * 3600 + minute * 60 + second - offset;
    return {{secs, nanos}, true};
}

}  // namespace vk::sync
