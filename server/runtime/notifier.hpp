// Tells a human about fatal errors and alerts: a webhook POST of {job, cycle, severity, error, time}, retried
// with backoff; and, with audit.webhook, about changes made through the admin API ({job, severity: "audit",
// time, audit}). Notifications queue up and are sent one by one by run(), which outlives no cycle: it belongs
// to the daemon.
#ifndef VAULTKEEPER_SERVER_RUNTIME_NOTIFIER_HPP
#define VAULTKEEPER_SERVER_RUNTIME_NOTIFIER_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"

namespace vk::http {
class client;
}
namespace vk::metrics {
class registry;
}

namespace vk::runtime {

struct notification
{
    std::string job;
    std::uint64_t cycle = 0;
    std::string error;
    std::string time;                // RFC 3339
    std::string severity = "fatal";  // fatal | alert | audit
    boost::json::object audit;       // severity audit: the change or outcome the trail recorded (no error)
};

class notifier
{
public:
    // Without a webhook config, notifications are only logged. `metrics` (optional) counts deliveries and
    // drops. At most `max_queued` notifications wait; a new one beyond that drops the oldest (counted,
    // logged): a webhook that is down for long must not grow the daemon's memory without bound.
    notifier(boost::asio::any_io_executor ex, std::optional<vk::webhook_config> cfg,
             metrics::registry* metrics = nullptr, std::size_t max_queued = 100);
    ~notifier();

    void notify(notification n);
    // Replaces the webhook (on reload); queued notifications go to the new one.
    void reconfigure(std::optional<vk::webhook_config> cfg);
    // Sends queued notifications until stop(); after stop() it drains the queue and returns.
    boost::asio::awaitable<void> run();
    void stop();

    std::uint64_t delivered() const noexcept { return delivered_; }
    std::uint64_t failed() const noexcept { return failed_; }
    std::uint64_t dropped() const noexcept { return dropped_; }
    std::size_t queued() const noexcept { return queue_.size(); }

private:
    boost::asio::awaitable<void> deliver(const notification& n);
    void configure(std::optional<vk::webhook_config> cfg);

    struct impl;
    std::unique_ptr<impl> impl_;
    std::optional<vk::webhook_config> cfg_;
    std::deque<notification> queue_;
    bool stopping_ = false;
    std::uint64_t delivered_ = 0;
    std::uint64_t failed_ = 0;
    std::uint64_t dropped_ = 0;
    metrics::registry* metrics_ = nullptr;
    std::size_t max_queued_;
};

}  // namespace vk::runtime

#endif
