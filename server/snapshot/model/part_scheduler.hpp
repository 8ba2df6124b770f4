// The decisions of a parallel multipart upload (S3 parts, Azure blocks): which part a worker sends next, and
// what follows a part's attempt — done, sent again alone after a backoff (5xx, 429, a dropped connection, a
// timeout: however long the failed attempt took), or the end of the whole upload (anything else, or the
// last attempt). The whole object is never sent again. Pure: the shell (object_storage) does the I/O.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_MODEL_PART_SCHEDULER_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_MODEL_PART_SCHEDULER_HPP

#include "core/error.hpp"
#include "http/model/retry.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace vk::snapshot {

struct part_retry_policy
{
    unsigned max_attempts = 3;  // per part, the first one included
    // Backoff before attempt n+1: full jitter below min(max_delay, base_delay * 2^(n-1)).
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_delay{10000};
};

// True for a part's failure worth another attempt: an HTTP 5xx but 501, 429, a transport error (connection
// refused, reset, dropped mid-body) or a timeout. A refusal (400, 403, 404, 409/412), a local read error or a
// cancellation is not.
bool retryable_part_error(const error& e) noexcept;

// What a worker does after a part's attempt.
struct part_step
{
    enum class kind
    {
        done,   // the part is stored: ask next() for another
        retry,  // send the same part again after `delay`
        fail,   // stop: the upload fails with this attempt's error, the other parts are cancelled
    };
    kind what = kind::done;
    std::chrono::milliseconds delay{0};
};

// Hands out parts 0..count-1 in order to at most `concurrency` workers and rules on each attempt. The first
// failure stops it: next() then returns nothing, so no new part starts while the in-flight ones are
// cancelled.
class part_scheduler
{
public:
    part_scheduler(std::uint64_t count, unsigned concurrency, part_retry_policy policy = {});

    // How many workers to run: concurrency (at least 1), no more than there are parts.
    unsigned workers() const noexcept { return workers_; }
    // The next part to send; nullopt when every part has been handed out or the upload stopped.
    std::optional<std::uint64_t> next() noexcept;
    part_step on_success(std::uint64_t part) noexcept;
    // `unit_random` in [0,1) draws the jitter.
    part_step on_failure(std::uint64_t part, const error& e, double unit_random) noexcept;

    bool stopped() const noexcept { return stopped_; }
    // True once every part succeeded.
    bool complete() const noexcept { return done_ == count_; }
    unsigned attempts(std::uint64_t part) const noexcept { return attempts_[part]; }

private:
    std::uint64_t count_;
    unsigned workers_;
    part_retry_policy policy_;
    std::uint64_t next_ = 0;
    std::uint64_t done_ = 0;
    bool stopped_ = false;
    std::vector<unsigned> attempts_;  // attempts ended, per part
};

}  // namespace vk::snapshot

#endif
