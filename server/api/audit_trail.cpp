// Writing the trail: the request and answer lines in the request's own coroutine, outcome and denial lines
// from a queue by run(), which wakes for new lines and at each minute's end (when a minute's denials are
// due).
#include "api/audit_trail.hpp"

#include "core/log.hpp"
#include "core/time.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <chrono>

namespace vk::api {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t minute_now()
{
    using namespace std::chrono;
    return duration_cast<minutes>(system_clock::now().time_since_epoch()).count();
}

std::string now_text()
{
    return format_rfc3339(std::chrono::system_clock::now());
}

}  // namespace

struct audit_trail::impl
{
    explicit impl(asio::any_io_executor ex)
        : wake(ex)
    {
    }
    asio::steady_timer wake;
};

audit_trail::audit_trail(asio::any_io_executor ex)
    : impl_(std::make_unique<impl>(ex))
{
}

audit_trail::~audit_trail() = default;

void audit_trail::configure(const audit_config& c, std::function<void(json::object)> forward)
{
    file_.configure(c);
    forward_ = std::move(forward);
}

asio::awaitable<result<void>> audit_trail::request(const audit_request& r)
{
    if (auto w = co_await file_.append(request_line(r)); !w)
    {
        log::error("audit: request not written", {{"route", r.route}, {"error", w.error().describe()}});
        if (file_.required())
            co_return make_error(errc::unavailable,
                                 "the audit trail cannot be written, so nothing was done: " +
                                     w.error().describe());
    }
    log::info("audit", {{"id", std::to_string(r.id)},
                        {"token", r.token},
                        {"method", r.method},
                        {"route", r.route},
                        {"job", r.job},
                        {"peer", r.peer},
                        {"credential", r.credential}});
    co_return result<void>{};
}

asio::awaitable<void> audit_trail::answer(const audit_request& r, unsigned status, const std::string& body,
                                          follow_up follow, std::int64_t requested_ms)
{
    auto time = now_text();
    // Filed before anything suspends: the cycle a trigger started may end while the answer line is written.
    if (status / 100 == 2)
        for (auto& line : follow_.file(r.id, r.job, follow, requested_ms, body, time))
            queue(std::move(line));
    if (forward_)
        forward_(change_event(r, time, status, body));
    if (auto w = co_await file_.append(answer_line(r.id, time, status, body)); !w)
        log::error("audit: answer not written",
                   {{"id", std::to_string(r.id)}, {"error", w.error().describe()}});
}

void audit_trail::denied(const std::string& route, const std::string& peer, std::string_view reason)
{
    if (!file_.enabled())
        return;
    denials_.add(minute_now(), route, peer, std::string(reason));
    impl_->wake.cancel();  // run() now waits for this minute's end
}

void audit_trail::cycle_ended(const ended_cycle& c)
{
    for (auto& line : follow_.cycle_ended(c))
        queue(std::move(line));
}

void audit_trail::queue(std::string line)
{
    if (forward_)  // the webhook gets the line's object; without one nothing is parsed back
    {
        boost::system::error_code ec;
        if (auto v = json::parse(line, ec); !ec && v.is_object())
            forward_(std::move(v.as_object()));
    }
    queued_.push_back(std::move(line));
    impl_->wake.cancel();
}

void audit_trail::stop()
{
    stopping_ = true;
    impl_->wake.cancel();
}

asio::awaitable<void> audit_trail::write_queued()
{
    for (auto& line : denials_.take_before(stopping_ ? INT64_MAX : minute_now()))
        queued_.push_back(std::move(line));
    while (!queued_.empty())
    {
        auto line = std::move(queued_.front());
        queued_.pop_front();
        if (auto w = co_await file_.append(std::move(line)); !w)
            log::error("audit: line not written", {{"error", w.error().describe()}});
    }
}

asio::awaitable<void> audit_trail::run()
{
    for (;;)
    {
        co_await write_queued();
        if (stopping_)
            co_return;
        if (!queued_.empty())
            continue;
        using namespace std::chrono;
        // The next minute's start when denials wait for their minute to end; otherwise until woken.
        auto next_minute = system_clock::time_point(minutes(minute_now() + 1));
        if (denials_.empty())
            impl_->wake.expires_at(asio::steady_timer::time_point::max());
        else
            impl_->wake.expires_after(next_minute - system_clock::now() + milliseconds(10));
        co_await impl_->wake.async_wait(asio::as_tuple(asio::use_awaitable));
        // Cancelled from outside (the daemon's run ending on an error), not woken: nothing more is written.
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return;
    }
}

}  // namespace vk::api
