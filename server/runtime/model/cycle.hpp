// One cycle of a job: its identity, error sink (warning / error / fatal), counters and the record kept in
// the job's history once it ends.
#ifndef VAULTKEEPER_SERVER_RUNTIME_MODEL_CYCLE_HPP
#define VAULTKEEPER_SERVER_RUNTIME_MODEL_CYCLE_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"

namespace vk::runtime {

// warning: logged and counted, the cycle goes on and may still succeed.
// alert: a warning that also needs a human now (webhook): the cycle goes on and may still succeed.
// error: logged and counted, the cycle goes on but ends `failed`.
// fatal: the cycle stops now and the job stops for good (state `failed`) until an operator resumes it.
enum class severity
{
    warning,
    alert,
    error,
    fatal
};
std::string_view to_string(severity s);

enum class cycle_outcome
{
    ok,
    failed,
    timeout,
    halted,
    cancelled
};
std::string_view to_string(cycle_outcome o);

using system_time = std::chrono::system_clock::time_point;

struct cycle_record
{
    std::uint64_t id = 0;
    system_time start;
    std::optional<system_time> end;
    std::optional<cycle_outcome> outcome;  // empty while running
    std::string error;                     // summary of the first error or fatal, empty when none
    std::map<std::string, std::int64_t> counters;
    std::uint32_t warnings = 0;
    std::uint32_t errors = 0;
};

class cycle_context;

// Where a cycle's reports go besides its own record: the job (which stops the cycle on fatal) and the
// observers (metrics, logs, webhook).
struct cycle_listener
{
    virtual ~cycle_listener() = default;
    virtual void on_report(const cycle_context& ctx, severity s, const vk::error& e) = 0;
};

class cycle_context
{
public:
    cycle_context(std::string job, std::string kind, std::uint64_t id, cycle_listener* listener);

    const std::string& job() const noexcept { return job_; }
    const std::string& kind() const noexcept { return kind_; }
    std::uint64_t id() const noexcept { return record_.id; }
    const cycle_record& record() const noexcept { return record_; }
    cycle_record& record() noexcept { return record_; }

    // Reports an expected failure with its context; logged with job and cycle.
    void report(severity s, const vk::error& e);
    void warning(const vk::error& e) { report(severity::warning, e); }
    void alert(const vk::error& e) { report(severity::alert, e); }
    void error(const vk::error& e) { report(severity::error, e); }
    void fatal(const vk::error& e) { report(severity::fatal, e); }
    bool has_errors() const noexcept { return record_.errors > 0 || fatal_; }
    bool has_fatal() const noexcept { return fatal_; }

    void count(std::string_view counter, std::int64_t n = 1);
    std::int64_t counter(std::string_view name) const;

    // Log lines that carry job and cycle.
    void log(log::level l, std::string_view message, std::initializer_list<log::field> fields = {}) const;
    void info(std::string_view m, std::initializer_list<log::field> f = {}) const
    {
        log(log::level::info, m, f);
    }
    void debug(std::string_view m, std::initializer_list<log::field> f = {}) const
    {
        log(log::level::debug, m, f);
    }

private:
    std::string job_;
    std::string kind_;
    cycle_listener* listener_;
    cycle_record record_;
    bool fatal_ = false;
};

}  // namespace vk::runtime

#endif
