// Jobs and cycles as JSON.
#include "api/json_views.hpp"

#include <boost/json.hpp>

#include "core/duration.hpp"
#include "core/time.hpp"

namespace vk::api {
namespace json = boost::json;

json::object cycle_json(const runtime::cycle_record& r)
{
    json::object counters;
    for (const auto& [k, v] : r.counters)
        counters[k] = v;
    json::object o{
        {"id", r.id},
        {"start", format_rfc3339(r.start)},
        {"end", r.end ? json::value(format_rfc3339(*r.end)) : json::value(nullptr)},
        {"outcome",
         r.outcome ? json::value(std::string(runtime::to_string(*r.outcome))) : json::value("running")},
        {"error", r.error.empty() ? json::value(nullptr) : json::value(r.error)},
        {"warnings", r.warnings},
        {"errors", r.errors},
        {"counters", std::move(counters)},
    };
    if (r.end)
        o["duration_seconds"] = std::chrono::duration<double>(*r.end - r.start).count();
    return o;
}

json::object job_summary_json(const runtime::job& j, const std::optional<vk::lock_view>& lock)
{
    const auto& c = j.config();
    const runtime::cycle_record* last = j.history().empty() ? nullptr : &j.history().back();
    auto next = j.next_run();
    return json::object{
        {"name", j.name()},
        {"kind", j.kind()},
        {"state", std::string(runtime::to_string(j.state()))},
        {"interval", format_duration(c.interval)},
        {"timeout", format_duration(c.timeout)},
        {"running_cycle", j.current() ? json::value(j.current()->id) : json::value(nullptr)},
        {"last_cycle", last ? json::value(cycle_json(*last)) : json::value(nullptr)},
        {"next_run", next ? json::value(format_rfc3339(*next)) : json::value(nullptr)},
        {"holder", lock ? lock->holder : std::string()},
        {"lock", lock ? std::string(to_string(lock->state)) : std::string("off")},
        {"lock_waiting_for",
         lock && !lock->waiting_for.empty() ? json::value(lock->waiting_for) : json::value(nullptr)},
    };
}

json::object job_detail_json(const runtime::job& j, const std::optional<vk::lock_view>& lock)
{
    json::object o = job_summary_json(j, lock);
    o["halt_on_fatal"] = j.config().halt_on_fatal;
    o["status"] = j.body_status();
    return o;
}

}  // namespace vk::api
