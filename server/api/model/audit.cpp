// Audit lines as JSON, and the per-minute tally of denials.
#include "api/model/audit.hpp"

#include "core/time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace vk::api {
namespace json = boost::json;

namespace {

constexpr const char* identifying[] = {"plan",  "name",    "storage", "force",     "dry_run",
                                       "level", "planned", "queued",  "custodian", "set"};

json::object pick(const json::value& v)
{
    json::object out;
    if (!v.is_object())
        return out;
    for (const char* key : identifying)
        if (auto* x = v.as_object().if_contains(key); x && (x->is_string() || x->is_bool() || x->is_number()))
            out[key] = *x;
    return out;
}

json::value parsed(std::string_view text)
{
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    return ec ? json::value() : v;
}

}  // namespace

json::object identifying_fields(std::string_view body)
{
    return pick(parsed(body));
}

json::object request_object(const audit_request& r)
{
    json::object o{{"event", "request"}, {"id", r.id},         {"time", r.time},  {"token", r.token},
                   {"peer", r.peer},     {"method", r.method}, {"route", r.route}};
    if (r.credential == "client_certificate")  // a token is the usual way; only the other one is said
        o["credential"] = r.credential;
    if (!r.job.empty())
        o["job"] = r.job;
    if (!r.fields.empty())
        o["fields"] = r.fields;
    return o;
}

std::string request_line(const audit_request& r)
{
    return json::serialize(request_object(r)) + "\n";
}

json::object answer_object(std::uint64_t id, const std::string& time, unsigned status,
                           std::string_view answer_body)
{
    json::object o{{"event", "answer"}, {"id", id}, {"time", time}, {"status", status}};
    auto body = parsed(answer_body);
    if (auto* err = body.is_object() ? body.as_object().if_contains("error") : nullptr;
        err && err->is_object())
    {
        if (auto* m = err->as_object().if_contains("message"))
            o["outcome"] = *m;
    }
    else if (auto fields = pick(body); !fields.empty())
        o["outcome"] = std::move(fields);
    return o;
}

std::string answer_line(std::uint64_t id, const std::string& time, unsigned status,
                        std::string_view answer_body)
{
    return json::serialize(answer_object(id, time, status, answer_body)) + "\n";
}

json::object change_event(const audit_request& r, const std::string& time, unsigned status,
                          std::string_view answer_body)
{
    auto o = request_object(r);
    o["event"] = "change";
    o["answered"] = time;
    auto answer = answer_object(r.id, time, status, answer_body);
    o["status"] = status;
    if (auto* outcome = answer.if_contains("outcome"))
        o["outcome"] = *outcome;
    return o;
}

void denial_tally::add(std::int64_t minute, const std::string& route, const std::string& peer,
                       const std::string& reason)
{
    ++counts_[{minute, route, peer, reason}];
}

std::vector<std::string> denial_tally::take_before(std::int64_t minute)
{
    std::vector<std::string> lines;
    auto it = counts_.begin();
    for (; it != counts_.end() && std::get<0>(it->first) < minute; ++it)
    {
        const auto& [m, route, peer, reason] = it->first;
        auto start = std::chrono::system_clock::time_point(std::chrono::minutes(m));
        json::object o{{"event", "denied"}, {"minute", format_rfc3339(start)},
                       {"route", route},    {"peer", peer},
                       {"reason", reason},  {"count", it->second}};
        lines.push_back(json::serialize(o) + "\n");
    }
    counts_.erase(counts_.begin(), it);
    return lines;
}

}  // namespace vk::api
