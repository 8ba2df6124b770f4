// Webhook delivery through the shared HTTP client (which does the retries with backoff and Retry-After).
#include "runtime/notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>

#include "core/log.hpp"
#include "http/client.hpp"
#include "metrics/registry.hpp"

namespace vk::runtime {
namespace asio = boost::asio;

namespace {

// The HTTP client's errors name the request path; a webhook's path is a secret.
error without_path(error e)
{
    e.path.clear();
    return e;
}

}  // namespace

struct notifier::impl
{
    explicit impl(asio::any_io_executor ex)
        : ex(ex),
          wake(ex, asio::steady_timer::time_point::max())
    {
    }
    asio::any_io_executor ex;
    asio::steady_timer wake;
    // Shared so a delivery in flight keeps its client when a reload replaces it.
    std::shared_ptr<http::client> client;
    std::string target;
    std::string host;  // scheme://host:port, what logs show: the path of a Slack-style hook is a secret
};

notifier::notifier(asio::any_io_executor ex, std::optional<vk::webhook_config> cfg,
                   metrics::registry* metrics, std::size_t max_queued)
    : impl_(std::make_unique<impl>(ex)),
      metrics_(metrics),
      max_queued_(std::max<std::size_t>(1, max_queued))
{
    configure(std::move(cfg));
}

void notifier::reconfigure(std::optional<vk::webhook_config> cfg)
{
    configure(std::move(cfg));
    impl_->wake.cancel();
}

void notifier::configure(std::optional<vk::webhook_config> cfg)
{
    cfg_ = std::move(cfg);
    impl_->client.reset();
    if (!cfg_)
        return;
    auto& ex = impl_->ex;
    auto url = http::parse_url(cfg_->url);
    if (!url)
    {
        // Not the parse error: it quotes the whole URL, path included.
        log::error("webhook disabled: the URL does not parse");
        cfg_.reset();
        return;
    }
    http::client_params p;
    p.base_url = url->where.str();
    p.retry.max_attempts = static_cast<unsigned>(cfg_->max_attempts);
    p.retry.base_delay = std::chrono::milliseconds(500);
    p.retry.max_delay = std::chrono::seconds(30);
    p.retry.max_elapsed = std::chrono::minutes(5);
    p.timeout = std::chrono::minutes(5);
    p.max_connections = 2;
    auto c = http::client::create(ex, std::move(p));
    if (!c)
    {
        log::error("webhook disabled", {{"error", c.error().describe()}});
        cfg_.reset();
        return;
    }
    impl_->client = std::shared_ptr<http::client>(std::move(*c));
    impl_->target = url->target;
    impl_->host = url->where.str();
}

notifier::~notifier() = default;

void notifier::notify(notification n)
{
    if (!cfg_)
        return;
    if (queue_.size() >= max_queued_)
    {
        log::warn("webhook queue full: oldest notification dropped",
                  {{"job", queue_.front().job},
                   {"cycle", std::to_string(queue_.front().cycle)},
                   {"webhook", impl_->host}});
        queue_.pop_front();
        ++dropped_;
        if (metrics_)
            metrics_->webhook_dropped();
    }
    queue_.push_back(std::move(n));
    impl_->wake.cancel();
}

void notifier::stop()
{
    stopping_ = true;
    impl_->wake.cancel();
}

asio::awaitable<void> notifier::run()
{
    while (!(stopping_ && queue_.empty()))
    {
        if (queue_.empty())
        {
            impl_->wake.expires_at(asio::steady_timer::time_point::max());
            co_await impl_->wake.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        notification n = queue_.front();
        queue_.pop_front();
        co_await deliver(n);
    }
}

asio::awaitable<void> notifier::deliver(const notification& n)
{
    if (!cfg_)
        co_return;
    auto client = impl_->client;
    auto host = impl_->host;  // a reload may replace impl_'s while the request runs
    http::client_request req;
    req.method = "POST";
    req.target = impl_->target;
    req.idempotent = true;  // a duplicate alert is better than a lost one
    req.timeout = cfg_->timeout * cfg_->max_attempts + std::chrono::minutes(1);
    req.idle_timeout = cfg_->timeout;
    req.headers.set("Content-Type", "application/json");
    for (const auto& [name, value] : cfg_->headers)
        req.headers.set(name, value.reveal());
    req.body = boost::json::serialize(n.severity == "audit" ? boost::json::object{{"job", n.job},
                                                                                  {"severity", n.severity},
                                                                                  {"time", n.time},
                                                                                  {"audit", n.audit}}
                                                            : boost::json::object{{"job", n.job},
                                                                                  {"cycle", n.cycle},
                                                                                  {"severity", n.severity},
                                                                                  {"error", n.error},
                                                                                  {"time", n.time}});
    auto r = co_await client->send(std::move(req));
    if (r && r->status / 100 == 2)
    {
        ++delivered_;
        if (metrics_)
            metrics_->webhook_delivery(true);
        log::info("webhook notified",
                  {{"job", n.job}, {"cycle", std::to_string(n.cycle)}, {"webhook", host}});
        co_return;
    }
    ++failed_;
    if (metrics_)
        metrics_->webhook_delivery(false);
    log::error("webhook notification failed after its retries",
               {{"job", n.job},
                {"cycle", std::to_string(n.cycle)},
                {"webhook", host},
                {"error", r ? "status " + std::to_string(r->status) : without_path(r.error()).describe()}});
}

}  // namespace vk::runtime
