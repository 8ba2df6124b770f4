// A cached temporary credential (AWS keys, an Azure token) refreshed ahead of its expiration by
// cloud/model/aws_refresh's rule: fresh enough, it is handed out as is; in the advisory window a refresh is
// tried and its failure keeps the cached value (a warning, the next try a tenth of that window later); in
// the mandatory window, or with nothing cached, the refresh must succeed or the caller gets its error.
// Concurrent callers share one fetch.
#ifndef VAULTKEEPER_SERVER_CLOUD_REFRESHING_CACHE_HPP
#define VAULTKEEPER_SERVER_CLOUD_REFRESHING_CACHE_HPP

#include "async/mutex.hpp"
#include "cloud/model/aws_refresh.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace vk::cloud {

// Value has `std::optional<std::chrono::system_clock::time_point> expiration` (none: never expires).
template <class Value> class refreshing_cache
{
public:
    // `what` names the value in errors ("AWS credentials"); `kept_warning` is logged when a failed advisory
    // refresh keeps the cached value.
    refreshing_cache(aws::refresh_windows windows, std::string what, std::string kept_warning)
        : windows_(windows),
          what_(std::move(what)),
          kept_warning_(std::move(kept_warning))
    {
    }

    // The cached value, or what `fetch()` (an awaitable<result<Value>>) brings when a refresh is due.
    template <class Fetch> boost::asio::awaitable<result<Value>> get(Fetch fetch)
    {
        if (need() == aws::refresh_need::none)
            co_return *cached_;
        // Single flight: whoever waited finds what the fetch before it brought.
        auto lock = co_await fetching_.acquire(std::chrono::seconds(60));
        if (!lock)
            co_return make_error(errc::timeout, what_ + ": waited too long for a fetch in progress");
        auto n = need();
        if (n == aws::refresh_need::none)
            co_return *cached_;
        auto fresh = co_await fetch();
        if (fresh)
        {
            advisory_failed_.reset();
            cached_ = std::move(*fresh);
            co_return *cached_;
        }
        if (n == aws::refresh_need::advisory)
        {
            advisory_failed_ = std::chrono::system_clock::now();
            log::warn(kept_warning_,
                      {{"error", fresh.error().message}, {"endpoint", fresh.error().endpoint}});
            co_return *cached_;
        }
        co_return fresh.error();
    }

private:
    aws::refresh_need need() const
    {
        return aws::needs_refresh(cached_.has_value(), cached_ ? cached_->expiration : std::nullopt,
                                  std::chrono::system_clock::now(), windows_, advisory_failed_);
    }

    aws::refresh_windows windows_;
    std::string what_, kept_warning_;
    std::optional<Value> cached_;
    std::optional<std::chrono::system_clock::time_point> advisory_failed_;  // the last failed advisory try
    async_mutex fetching_;
};

}  // namespace vk::cloud

#endif
