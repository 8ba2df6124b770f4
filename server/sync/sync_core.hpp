// What a sync job holds across cycles, for both roles: the clients of the configured Vaults and Consuls
// (built once), the origin pacing and the kind's metrics.
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_CORE_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_CORE_HPP

#include "consul/client.hpp"
#include "core/token_bucket.hpp"
#include "metrics/family.hpp"
#include "runtime/job_kind.hpp"
#include "runtime/kind_core.hpp"
#include "sync/model/settings.hpp"
#include "sync/origin_walk.hpp"
#include "vault/client.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace vk::sync {

// The clients of one side.
struct side_clients
{
    std::unique_ptr<vault::client> vault;
    std::unique_ptr<consul::client> consul;
    std::vector<kv_mount> mounts;  // as found by the start-up checks
};

// Lives in a shared_ptr so an admin action still running when a reload drops the job keeps it alive.
// Its setup_error (a client could not be built) is the factory's answer (runtime::body_of).
struct sync_core : runtime::kind_core<sync_settings>
{
    std::chrono::nanoseconds timeout{};  // the job's per-cycle deadline
    side_clients origin;
    side_clients destination;  // destination role only
    token_bucket pace;

    sync_core(const vk::job_config& jc, runtime::job_services& services);

    void count(const std::string& op, double n) const;
    void gauge(const metrics::family& f, double value) const;
};

}  // namespace vk::sync

#endif
