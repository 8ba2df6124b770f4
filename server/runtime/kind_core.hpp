// What every kind's core (the state a job holds across cycles, `<kind>/<kind>_core.hpp`) starts from: the
// job's name, its typed settings, the config and services it was created with, and the error of building its
// clients, which the kind's factory (body_of) answers instead of a body.
#ifndef VAULTKEEPER_SERVER_RUNTIME_KIND_CORE_HPP
#define VAULTKEEPER_SERVER_RUNTIME_KIND_CORE_HPP

#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "runtime/job_kind.hpp"

namespace vk::runtime {

// Settings: the kind's job_settings type, which its parser made for this job.
template <class Settings> struct kind_core
{
    std::string job;
    std::shared_ptr<const Settings> settings;
    std::shared_ptr<const vk::config> config;
    vk::metrics::registry* metrics = nullptr;  // may be null in tests
    boost::asio::any_io_executor executor;     // for clients made later (nodes met, sources)
    std::optional<vk::error> setup_error;      // a client could not be built: body_of answers it

    kind_core(const vk::job_config& jc, job_services& services)
        : job(jc.name),
          settings(std::static_pointer_cast<const Settings>(jc.settings)),
          config(services.config),
          metrics(services.metrics),
          executor(services.executor)
    {
    }
};

// A kind's factory: the core, then the body around it; the core's setup error instead of a body when it has
// one (the runtime reports it, see job_kind).
template <class Body, class Core> body_result body_of(const vk::job_config& jc, job_services& services)
{
    auto core = std::make_shared<Core>(jc, services);
    if (core->setup_error)
        return *core->setup_error;
    return std::unique_ptr<job_body>(std::make_unique<Body>(std::move(core)));
}

}  // namespace vk::runtime

#endif
