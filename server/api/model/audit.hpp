// The audit trail's lines, with no I/O: one JSON object per line for a change requested through the admin API
// (its request, before anything is done, and its answer), and the denied requests counted per minute, route,
// peer and reason (one line per minute each, so a client guessing tokens cannot fill the disk).
#ifndef VAULTKEEPER_SERVER_API_MODEL_AUDIT_HPP
#define VAULTKEEPER_SERVER_API_MODEL_AUDIT_HPP

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace vk::api {

struct audit_request
{
    std::uint64_t id = 0;    // joins the request line to its answer line
    std::string time;        // RFC 3339, UTC
    std::string token;       // the token's name, never the token
    std::string credential;  // how it was presented: "token" or "client_certificate"
    std::string peer;        // "ip:port"
    std::string method;
    std::string route;           // the route template, e.g. /v1/sync/{name}/approve-deletes
    std::string job;             // "" when the route concerns none
    boost::json::object fields;  // what identifies the request (a plan id, a snapshot name...)
};

// The request body's identifying fields: plan, name, storage, force, dry_run, level (never anything else).
boost::json::object identifying_fields(std::string_view body);

// {"event":"request",...}\n
boost::json::object request_object(const audit_request& r);
std::string request_line(const audit_request& r);
// {"event":"answer","id":..,"time":..,"status":..,"outcome":..}\n; outcome is the answer's error message or
// its identifying fields (a queued rekey's planned set, an approval's plan).
boost::json::object answer_object(std::uint64_t id, const std::string& time, unsigned status,
                                  std::string_view answer_body);
std::string answer_line(std::uint64_t id, const std::string& time, unsigned status,
                        std::string_view answer_body);
// What the webhook gets for a change (audit.webhook): the request's fields with event "change", the time it
// was answered, its status and outcome, in one object.
boost::json::object change_event(const audit_request& r, const std::string& time, unsigned status,
                                 std::string_view answer_body);

// Denied requests, counted per minute (minutes since the epoch) and written once the minute is over.
class denial_tally
{
public:
    void add(std::int64_t minute, const std::string& route, const std::string& peer,
             const std::string& reason);
    // The lines of every minute before `minute` (all of them when `minute` is the largest value), in order;
    // they leave the tally.
    std::vector<std::string> take_before(std::int64_t minute);
    bool empty() const { return counts_.empty(); }

private:
    std::map<std::tuple<std::int64_t, std::string, std::string, std::string>, std::uint64_t> counts_;
};

}  // namespace vk::api

#endif
