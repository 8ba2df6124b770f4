// What admin API handlers can reach: the jobs, the metrics, readiness and the replica identity.
#ifndef VAULTKEEPER_SERVER_API_CONTEXT_HPP
#define VAULTKEEPER_SERVER_API_CONTEXT_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/lock_watch.hpp"

namespace vk::runtime {
class job_set;
struct job_kind;
}  // namespace vk::runtime
namespace vk::metrics {
class registry;
}

namespace vk::api {

struct context
{
    runtime::job_set* jobs = nullptr;
    const std::vector<runtime::job_kind>* kinds = nullptr;  // their actions become routes
    metrics::registry* metrics = nullptr;
    std::function<bool()> ready;  // true once started and until shutdown begins
    // The job's HA lock as this replica sees it; nullopt (or no function) without HA.
    std::function<std::optional<vk::lock_view>(const std::string& job)> lock;
    // The replicas sharing the jobs (GET /v1/ha); nullopt (or no function) without HA.
    std::function<std::optional<vk::ha_replicas_view>()> replicas;
    // Host header check (DNS rebinding): the listen port and the extra names of admin.hosts; port 0 = no
    // check.
    std::uint16_t listen_port = 0;
    std::vector<std::string> host_names;
};

}  // namespace vk::api

#endif
