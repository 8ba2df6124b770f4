// What both sync roles' bodies share: the core (sync/sync_core.hpp), the token renewal of its Vault clients,
// the start-up check of one side and the approval fields both roles report in status.
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_BASE_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_BASE_HPP

#include "runtime/job_kind.hpp"
#include "sync/model/approval_gate.hpp"
#include "sync/sync_core.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace vk::sync {

// The held plan id and the approved one, as status reports them (null when none).
boost::json::value held_plan_json(const approval_gate& gate);
boost::json::value approved_plan_json(const approval_gate& gate);

class sync_base : public runtime::job_body
{
public:
    explicit sync_base(std::shared_ptr<sync_core> core);

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
