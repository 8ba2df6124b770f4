// Pure retry policy of the HTTP client: which outcomes are retried, exponential backoff with full jitter,
// Retry-After parsing. No I/O, no clock reads: time and randomness come in as arguments.
#ifndef VAULTKEEPER_SERVER_HTTP_MODEL_RETRY_HPP
#define VAULTKEEPER_SERVER_HTTP_MODEL_RETRY_HPP

#include <chrono>
#include <optional>
#include <string_view>

namespace vk::http {

struct retry_policy
{
    unsigned max_attempts = 3;                         // attempts in total, first one included
    std::chrono::milliseconds base_delay{200};         // backoff ceiling before the 2nd attempt
    std::chrono::milliseconds max_delay{5000};         // backoff ceiling never exceeds this
    std::chrono::milliseconds max_elapsed{30000};      // no retry whose wait would end later than this
    std::chrono::milliseconds max_retry_after{30000};  // a server's Retry-After is capped to this
};

// True for statuses worth another attempt: 429 and every 5xx but 501 (as go-retryablehttp).
bool retryable_status(unsigned status) noexcept;

// GET, HEAD, PUT, DELETE, OPTIONS are idempotent by default; POST, PATCH and the rest are not.
bool default_idempotent(std::string_view method) noexcept;

// Full jitter: uniform in [0, min(max_delay, base_delay * 2^(attempts_done-1))), using unit_random in [0,1).
std::chrono::milliseconds backoff_delay(const retry_policy& p, unsigned attempts_done,
                                        double unit_random) noexcept;

// Retry-After as delta-seconds or an IMF-fixdate HTTP date (relative to now; a past date is 0).
// nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// What one attempt ended with, as far as retrying cares.
struct attempt_outcome
{
    unsigned status = 0;                          // HTTP status, 0 when the attempt failed before a response
    bool transport_retryable = false;             // for status 0: a connection-level failure worth retrying
    std::optional<std::string_view> retry_after;  // the Retry-After header, if any
};

struct retry_decision
{
    bool retry = false;
    std::chrono::milliseconds delay{0};
};

// Decides whether to make another attempt after `attempts_done` attempts and `elapsed` time since the first.
// Only idempotent requests are retried; never beyond max_attempts or past max_elapsed.
retry_decision decide_retry(const retry_policy& p, unsigned attempts_done, bool idempotent,
                            const attempt_outcome& outcome, std::chrono::milliseconds elapsed,
                            double unit_random, std::chrono::system_clock::time_point now);

}  // namespace vk::http

#endif
