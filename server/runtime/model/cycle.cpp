// cycle_context: error reports with context, counters, job+cycle tagged logging.
#include "runtime/model/cycle.hpp"

#include <vector>

namespace vk::runtime {

std::string_view to_string(severity s)
{
    switch (s)
    {
    case severity::warning: return "warning";
    case severity::alert: return "alert";
    case severity::error: return "error";
    case severity::fatal: return "fatal";
    }
    return "error";
}

std::string_view to_string(cycle_outcome o)
{
    switch (o)
    {
    case cycle_outcome::ok: return "ok";
    case cycle_outcome::failed: return "failed";
    case cycle_outcome::timeout: return "timeout";
    case cycle_outcome::halted: return "halted";
    case cycle_outcome::cancelled: return "cancelled";
    }
    return "failed";
}

cycle_context::cycle_context(std::string job, std::string kind, std::uint64_t id, cycle_listener* listener)
    : job_(std::move(job)),
      kind_(std::move(kind)),
      listener_(listener)
{
    record_.id = id;
    record_.start = std::chrono::system_clock::now();
}

void cycle_context::report(severity s, const vk::error& e)
{
    bool warning_level = s == severity::warning || s == severity::alert;
    if (warning_level)
        ++record_.warnings;
    else
        ++record_.errors;
    if (s == severity::fatal)
        fatal_ = true;
    // The first error (or the first fatal, which outranks earlier errors) summarises the cycle.
    if (!warning_level && (record_.error.empty() || s == severity::fatal))
        record_.error = e.describe();
    log(warning_level ? log::level::warn : log::level::error, std::string(to_string(s)) + ": " + e.describe(),
        {{"severity", std::string(to_string(s))},
         {"code", std::string(vk::to_string(e.code))},
         {"endpoint", e.endpoint},
         {"path", e.path}});
    if (listener_)
        listener_->on_report(*this, s, e);
}

void cycle_context::count(std::string_view counter, std::int64_t n)
{
    auto it = record_.counters.find(std::string(counter));
    if (it == record_.counters.end())
        record_.counters.emplace(std::string(counter), n);
    else
        it->second += n;
}

std::int64_t cycle_context::counter(std::string_view name) const
{
    auto it = record_.counters.find(std::string(name));
    return it == record_.counters.end() ? 0 : it->second;
}

void cycle_context::log(log::level l, std::string_view message,
                        std::initializer_list<log::field> fields) const
{
    if (!log::enabled(l))
        return;
    std::vector<log::field> all{{"job", job_}, {"cycle", std::to_string(record_.id)}};
    for (const auto& f : fields)
        if (!f.value.empty())
            all.push_back(f);
    log::write_fields(l, message, all);
}

}  // namespace vk::runtime
