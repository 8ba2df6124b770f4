// Matching cycle ends to the changes that asked for them, and the outcome lines.
#include "api/model/audit_follow.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <initializer_list>

namespace vk::api {
namespace json = boost::json;

namespace {

std::string planned_set(std::string_view answer)
{
    boost::system::error_code ec;
    auto v = json::parse(answer, ec);
    if (ec || !v.is_object())
        return "";
    const auto* p = v.as_object().if_contains("planned");
    return p && p->is_string() ? std::string(p->get_string()) : "";
}

// The string at a path of keys in nested objects, "" when there is none.
std::string text_at(const json::object& o, std::initializer_list<std::string_view> path)
{
    const json::object* level = &o;
    const json::value* v = nullptr;
    for (auto key : path)
    {
        v = level ? level->if_contains(key) : nullptr;
        if (!v)
            return "";
        level = v->if_object();
    }
    return v->is_string() ? std::string(v->get_string()) : "";
}

std::string outcome_line(json::object o)
{
    return json::serialize(o) + "\n";
}

}  // namespace

std::vector<std::string> audit_follow::file(std::uint64_t id, std::string job, follow_up what,
                                            std::int64_t requested_ms, std::string_view answer,
                                            const std::string& time)
{
    std::vector<std::string> given_up;
    std::string planned = what == follow_up::procedure ? planned_set(answer) : "";
    if (what == follow_up::none || (what == follow_up::procedure && planned.empty()))
        return given_up;
    while (awaited_.size() >= limit_)
    {
        const auto& old = awaited_.front();
        given_up.push_back(
            outcome_line({{"event", "outcome"},
                          {"id", old.id},
                          {"time", time},
                          {"job", old.job},
                          {"result", "unknown"},
                          {"error", "too many outcomes awaited; this one is no longer followed"}}));
        awaited_.pop_front();
    }
    awaited_.push_back({id, std::move(job), what, requested_ms, std::move(planned), {}});
    return given_up;
}

bool audit_follow::awaits(std::string_view job) const
{
    for (const auto& a : awaited_)
        if (a.job == job)
            return true;
    return false;
}

std::vector<std::string> audit_follow::cycle_ended(const ended_cycle& c)
{
    std::vector<std::string> lines;
    for (auto it = awaited_.begin(); it != awaited_.end();)
    {
        if (it->job != c.job || c.start_ms < it->requested_ms)
        {
            ++it;
            continue;
        }
        it->cycles.push_back(c.cycle);
        json::object o{{"event", "outcome"}, {"id", it->id}, {"time", c.time}, {"job", c.job}};
        if (it->what == follow_up::next_cycle)
        {
            o["cycle"] = c.cycle;
            o["result"] = c.outcome;
        }
        else
        {
            if (text_at(c.status, {"procedure", "state"}) != "idle")
            {
                ++it;  // still under way: a later cycle carries it on
                continue;
            }
            auto current = text_at(c.status, {"procedure", "current", "id"});
            o["cycles"] = json::value_from(it->cycles);
            o["result"] = current == it->planned ? "rekeyed" : "not_rekeyed";
            o["planned"] = it->planned;
            o["current"] = current;
        }
        if (!c.error.empty())
            o["error"] = c.error;
        lines.push_back(outcome_line(std::move(o)));
        it = awaited_.erase(it);
    }
    return lines;
}

}  // namespace vk::api
