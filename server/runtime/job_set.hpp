// The set of running jobs: built from the config through the job kinds, each job's run loop spawned and
// tracked, reconciled on reload (changed or removed jobs stop, new ones start, unchanged ones keep their
// history), and stopped together on shutdown.
#ifndef VAULTKEEPER_SERVER_RUNTIME_JOB_SET_HPP
#define VAULTKEEPER_SERVER_RUNTIME_JOB_SET_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/job.hpp"
#include "runtime/job_kind.hpp"

namespace vk::runtime {

class job_set
{
public:
    job_set(boost::asio::any_io_executor ex, std::vector<job_kind> kinds, job_observer* observer);
    ~job_set();

    // The parsers of every known kind, for parse_config.
    vk::kind_parsers parsers() const;

    // Starts the jobs of cfg that are not running yet or whose config changed; stops (and awaits) the jobs
    // that are no longer configured or changed. `services` must outlive the jobs.
    boost::asio::awaitable<void> apply(const vk::config& cfg, job_services& services);
    // Stops every job and waits until all their run loops returned.
    boost::asio::awaitable<void> stop_all();
    // Stops (and awaits) the named jobs that run; apply() starts them again with the config it is given.
    boost::asio::awaitable<void> stop_some(std::vector<std::string> names);

    // HA: jobs started from now on begin in standby (set_active(false) before their first cycle) until the
    // HA coordinator activates them. Default true: jobs run at once.
    void set_initially_active(bool active) noexcept { initially_active_ = active; }

    job* find(std::string_view name);
    std::vector<job*> all();
    // Any job whose kind is `kind` (the kind-specific API routes look jobs up this way).
    const std::vector<job_kind>& kinds() const noexcept { return kinds_; }

private:
    struct entry;
    // By value: callers pass map keys, which this erases.
    boost::asio::awaitable<void> stop_and_wait(std::string name);
    void start(const vk::job_config& jc, job_services& services);

    boost::asio::any_io_executor ex_;
    std::vector<job_kind> kinds_;
    job_observer* observer_;
    std::map<std::string, std::shared_ptr<entry>, std::less<>> jobs_;
    bool initially_active_ = true;
};

}  // namespace vk::runtime

#endif
