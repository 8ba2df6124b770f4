// Retry decisions, backoff and Retry-After parsing (pure functions).
#include "http/model/retry.hpp"

#include "core/backoff.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace vk::http {
namespace {

std::optional<int> number(std::string_view s)
{
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, the only form senders may generate).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s)
{
    static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT" || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':')
        return std::nullopt;
    auto day = number(s.substr(5, 2));
    auto year = number(s.substr(12, 4));
    auto hh = number(s.substr(17, 2)), mm = number(s.substr(20, 2)), ss = number(s.substr(23, 2));
    auto mon = std::find(months.begin(), months.end(), s.substr(8, 3));
    if (!day || !year || !hh || !mm || !ss || mon == months.end() || *hh > 23 || *mm > 59 || *ss > 60)
        return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year(*year),
                                    std::chrono::month(unsigned(mon - months.begin()) + 1),
                                    std::chrono::day(unsigned(*day))};
    if (!ymd.ok())
        return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(*hh) + std::chrono::minutes(*mm) +
           std::chrono::seconds(*ss);
}

}  // namespace

bool retryable_status(unsigned status) noexcept
{
    return status == 429 || (status >= 500 && status <= 599 && status != 501);
}

bool default_idempotent(std::string_view method) noexcept
{
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
           method == "OPTIONS";
}

std::chrono::milliseconds backoff_delay(const retry_policy& p, unsigned attempts_done,
                                        double unit_random) noexcept
{
    const unsigned retry = attempts_done > 0 ? attempts_done - 1 : 0;
    return vk::backoff_delay({p.base_delay, p.max_delay, jitter::full}, retry, unit_random);
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now)
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos)
    {
        // Delta-seconds; very long values saturate rather than overflow (they get capped anyway).
        if (value.size() > 9)
            return std::chrono::milliseconds(std::chrono::hours(24 * 365));
        return std::chrono::seconds(*number(value));
    }
    auto when = parse_http_date(value);
    if (!when)
        return std::nullopt;
    if (*when <= now)
        return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(*when - now);
}

retry_decision decide_retry(const retry_policy& p, unsigned attempts_done, bool idempotent,
                            const attempt_outcome& outcome, std::chrono::milliseconds elapsed,
                            double unit_random, std::chrono::system_clock::time_point now)
{
    bool worth = outcome.status == 0 ? outcome.transport_retryable : retryable_status(outcome.status);
    if (!worth || !idempotent || attempts_done >= p.max_attempts)
        return {};
    auto delay = backoff_delay(p, attempts_done, unit_random);
    if (outcome.status != 0 && outcome.retry_after)
    {
        // The server knows best when to come back; trust it, within our cap.
        if (auto ra = parse_retry_after(*outcome.retry_after, now))
            delay = std::min(*ra, p.max_retry_after);
    }
    if (elapsed + delay > p.max_elapsed)
        return {};
    return {true, delay};
}

}  // namespace vk::http
