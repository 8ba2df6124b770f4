// The outcomes the audit trail still owes: a change answered 2xx whose effect comes later (the cycle a
// trigger starts, the rekey a request queues) is filed here with its audit id, and every cycle end of its job
// is shown to it until the outcome is known; then it becomes an {"event":"outcome"} line joined to the
// request by id. Pure: the daemon hands over cycle ends, the tests step it with plain values.
#ifndef VAULTKEEPER_SERVER_API_MODEL_AUDIT_FOLLOW_HPP
#define VAULTKEEPER_SERVER_API_MODEL_AUDIT_FOLLOW_HPP

#include "core/follow_up.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace vk::api {

// A job's cycle that ended, as the trail sees it.
struct ended_cycle
{
    std::string job;
    std::uint64_t cycle = 0;
    std::int64_t start_ms = 0;  // since the epoch
    std::string outcome;        // ok, failed, timeout, halted, cancelled
    std::string error;          // the cycle's error summary ("" when none)
    std::string time;           // RFC 3339, when it ended
    // The job's status after it. A procedure is done once "procedure"."state" is "idle"; it succeeded when
    // "procedure"."current"."id" is the set the answer planned.
    boost::json::object status;
};

class audit_follow
{
public:
    // At most `limit` outcomes are awaited; filing one more gives up on the oldest (an "unknown" line).
    explicit audit_follow(std::size_t limit = 1000)
        : limit_(limit)
    {
    }

    // Files the outcome of change `id` on `job`, requested at `requested_ms` (a cycle that started before it
    // was not its doing) and answered with `answer` (its JSON body: a procedure's planned set). A procedure
    // the answer planned nothing for (already running) is not filed. Returns the lines of outcomes given up
    // on.
    std::vector<std::string> file(std::uint64_t id, std::string job, follow_up what,
                                  std::int64_t requested_ms, std::string_view answer,
                                  const std::string& time);
    // The outcome lines this cycle end settles (in filing order).
    std::vector<std::string> cycle_ended(const ended_cycle& c);
    std::size_t awaited() const { return awaited_.size(); }
    // Whether an outcome waits for a cycle of `job` (the job's status is only built then).
    bool awaits(std::string_view job) const;

private:
    struct awaited_outcome
    {
        std::uint64_t id;
        std::string job;
        follow_up what;
        std::int64_t requested_ms;
        std::string planned;                // a procedure's set, from the answer
        std::vector<std::uint64_t> cycles;  // the cycles seen so far (a procedure may take several)
    };
    std::size_t limit_;
    std::deque<awaited_outcome> awaited_;
};

}  // namespace vk::api

#endif
