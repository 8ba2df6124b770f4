// The admin API's audit trail: the request line of a change before it is made (refusing the change when that
// line cannot be written and the trail is required), its answer line after, its outcome line once a later
// cycle settles it, and the denials of each minute; with audit.webhook each change and outcome also goes to
// the webhook. Request and answer lines are written by the request itself; outcome and denial lines by run(),
// which also writes a minute's denials once it is over.
#ifndef VAULTKEEPER_SERVER_API_AUDIT_TRAIL_HPP
#define VAULTKEEPER_SERVER_API_AUDIT_TRAIL_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "api/audit_log.hpp"
#include "api/model/audit.hpp"
#include "api/model/audit_follow.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/follow_up.hpp"

namespace vk::api {

class audit_trail
{
public:
    explicit audit_trail(boost::asio::any_io_executor ex);
    ~audit_trail();

    // At start and on reload; `forward` receives each change and outcome (audit.webhook), null for none.
    void configure(const audit_config& c, std::function<void(boost::json::object)> forward);
    void reopen() { file_.reopen(); }
    // Whether changes are audited at all (a file or the webhook).
    bool active() const { return file_.enabled() || forward_ != nullptr; }

    std::uint64_t next_id() { return ++last_id_; }
    // Written before the change is made: an error (errc::unavailable) means do nothing.
    boost::asio::awaitable<result<void>> request(const audit_request& r);
    // Written after; a 2xx answer whose effect comes later is followed until its outcome is known.
    boost::asio::awaitable<void> answer(const audit_request& r, unsigned status, const std::string& body,
                                        follow_up follow, std::int64_t requested_ms);
    void denied(const std::string& route, const std::string& peer, std::string_view reason);
    bool awaits_cycle_of(std::string_view job) const { return follow_.awaits(job); }
    void cycle_ended(const ended_cycle& c);

    // Writes outcome and denial lines as they come, until stop(); then writes what is left and returns.
    boost::asio::awaitable<void> run();
    void stop();

private:
    void queue(std::string line);
    boost::asio::awaitable<void> write_queued();

    struct impl;
    std::unique_ptr<impl> impl_;
    audit_log file_;
    std::function<void(boost::json::object)> forward_;
    std::uint64_t last_id_ = 0;
    denial_tally denials_;
    audit_follow follow_;
    std::deque<std::string> queued_;
    bool stopping_ = false;
};

}  // namespace vk::api

#endif
