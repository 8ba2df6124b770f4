// Audit lines as JSON, and the per-minute tally of denials.
#include "api/model/audit.hpp"

#include "core/time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace vk::api {
namespace json = boost::json;

namespace {

constexpr const char* identifying[] = {"plan", "name", "storage", "force", "level", "planned", "queued"};

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

std::string request_line(const audit_request& r)
{
    json::object o{{"event", "request"}, {"id", r.id},         {"time", r.time},  {"token", r.token},
                   {"peer", r.peer},     {"method", r.method}, {"route", r.route}};
    if (r.credential == "client_certificate")  // a token is the usual way; only the other one is said
        o["credential"] = r.credential;
    if (!r.job.empty())
        o["job"] = r.job;
    if (!r.fields.empty())
        o["fields"] = r.fields;
    return json::serialize(o) + "\n";
}

std::string answer_line(std::uint64_t id, const std::string& time, unsigned status,
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
    return json::serialize(o) + "\n";
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
