// What both sync roles share: the clients of the configured Vaults and Consuls (built once, kept across
// cycles), their token renewal, the origin pacing, kind metrics and the status both roles report.
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_BASE_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_BASE_HPP

#include "consul/client.hpp"
#include "core/token_bucket.hpp"
#include "metrics/family.hpp"
#include "runtime/job_kind.hpp"
#include "runtime/kind_core.hpp"
#include "sync/model/approval_gate.hpp"
#include "sync/model/settings.hpp"
#include "sync/origin_walk.hpp"
#include "vault/client.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace vk::sync {

// The clients of one side.
struct side_clients
{
    std::unique_ptr<vault::client> vault;
    std::unique_ptr<consul::client> consul;
    std::vector<kv_mount> mounts;  // as found by the start-up checks
};

// Lives in a shared_ptr so an admin action still running when a reload drops the job keeps it alive.
// Its setup_error (a client could not be built) is reported by the start-up check.
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

// POST approve-deletes, for both roles: the body's {"plan": id} must name what `gate` holds now;
// errc::bad_request naming /plan, errc::conflict giving the current id (sync/model/approval.hpp). Accepted,
// it asks for a cycle and answers {job, plan, <count_field>: how many paths it releases}.
runtime::action_result approve_held(const runtime::action_request& r, approval_gate& gate,
                                    const std::string& job, const char* count_field);

// The held plan id and the approved one, as status reports them (null when none).
boost::json::value held_plan_json(const approval_gate& gate);
boost::json::value approved_plan_json(const approval_gate& gate);

class sync_base : public runtime::job_body
{
public:
    sync_base(const vk::job_config& jc, runtime::job_services& services);

    // Token renewal of every Vault client for the job's lifetime.
    boost::asio::awaitable<void> background(const std::function<void()>& request_cycle) override;

    std::shared_ptr<sync_core> core() const { return core_; }

protected:
    // Logs one side's Vault client in and finds its KV mounts (`mounts`, or every KV mount when empty).
    boost::asio::awaitable<result<void>> start_side(side_clients& side,
                                                    const std::vector<std::string>& mounts);

    std::shared_ptr<sync_core> core_;
};

}  // namespace vk::sync

#endif
