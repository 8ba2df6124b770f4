// The decisions of a parallel multipart upload (see part_scheduler.hpp).
#include "snapshot/model/part_scheduler.hpp"

#include <algorithm>

namespace vk::snapshot {

bool retryable_part_error(const error& e) noexcept
{
    if (e.status != 0)
        return http::retryable_status(e.status);
    return e.is(errc::transport_error) || e.is(errc::timeout) || e.is(errc::server_error) ||
           e.is(errc::rate_limited);
}

part_scheduler::part_scheduler(std::uint64_t count, unsigned concurrency, part_retry_policy policy)
    : count_(count),
      workers_(static_cast<unsigned>(
          std::min<std::uint64_t>(std::max(concurrency, 1u), std::max<std::uint64_t>(count, 1)))),
      policy_(policy),
      attempts_(count, 0)
{
}

std::optional<std::uint64_t> part_scheduler::next() noexcept
{
    if (stopped_ || next_ >= count_)
        return std::nullopt;
    return next_++;
}

part_step part_scheduler::on_success(std::uint64_t part) noexcept
{
    ++attempts_[part];
    ++done_;
    return {};
}

part_step part_scheduler::on_failure(std::uint64_t part, const error& e, double unit_random) noexcept
{
    const auto tried = ++attempts_[part];
    if (stopped_ || tried >= policy_.max_attempts || !retryable_part_error(e))
    {
        stopped_ = true;
        return {part_step::kind::fail};
    }
    // Only the backoff shape of the HTTP client's policy: a part has no elapsed-time budget, since a large
    // part's failed attempt may have taken minutes.
    http::retry_policy backoff;
    backoff.base_delay = policy_.base_delay;
    backoff.max_delay = policy_.max_delay;
    return {part_step::kind::retry, http::backoff_delay(backoff, tried, unit_random)};
}

}  // namespace vk::snapshot
