// What a snapshot job keeps across cycles and admin actions (in a shared_ptr, so an action still running
// when a reload drops the job keeps it alive): the Vault clients, the storages, metrics and the last outcome.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_CORE_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_CORE_HPP

#include "metrics/family.hpp"
#include "metrics/registry.hpp"
#include "runtime/job_kind.hpp"
#include "runtime/kind_core.hpp"
#include "snapshot/model/settings.hpp"
#include "snapshot/snapshot_storage.hpp"
#include "vault/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vk::snapshot {

// The outcome of the last cycle, for GET /v1/jobs/{name}.
struct cycle_status
{
    std::string node;  // API address the snapshot came from ("" when skipped or failed before)
    bool skipped = false;
    std::string name;
    std::uint64_t size = 0;
    std::string sha256;
    std::uint64_t index = 0;
    std::uint64_t term = 0;
    std::map<std::string, std::string> storages;  // storage -> "ok" | "failed: ..."
};

struct snapshot_core : runtime::kind_core<snapshot_settings>
{
    std::unique_ptr<vault::client> vault;                         // the configured address
    std::map<std::string, std::unique_ptr<vault::client>> nodes;  // active nodes met, by API address
    std::vector<std::unique_ptr<snapshot_storage>> storages;
    std::optional<cycle_status> last;
    // The time in the last name this job gave a snapshot (next_name_time keeps names unique).
    std::optional<std::chrono::system_clock::time_point> last_name_time;

    snapshot_core(const vk::job_config& jc, runtime::job_services& services);

    // The client of the node to take the snapshot from: in leader mode the active node named by sys/leader
    // (its own client, never the configured address, which may be a load balancer); in per-node mode the
    // configured node when it is the active one, else nullptr (skip). Errors: no active node (unavailable),
    // the Vault errors of sys/leader and of the login on a new node.
    boost::asio::awaitable<result<vault::client*>> snapshot_node(take_mode mode);

    snapshot_storage* find_storage(std::string_view name) const;
    // Removes what a crashed earlier process left in this job's spool folder: spooled snapshots and temp
    // files of other processes (a restore of this process may be running). Called at start-up, on the
    // blocking pool: a killed 30 GiB cycle leaves a file the kernel takes seconds to free.
    boost::asio::awaitable<void> clean_spool() const;
    // This job's own folder of spool_dir.
    std::filesystem::path spool() const { return std::filesystem::path(settings->spool_dir) / job; }

    // Labels job, then storage and outcome when not empty.
    void count(const metrics::family& f, const std::string& storage, std::string_view outcome,
               double n = 1) const;
    void gauge(const metrics::family& f, double value, const std::string& storage = {}) const;
};

}  // namespace vk::snapshot

#endif
