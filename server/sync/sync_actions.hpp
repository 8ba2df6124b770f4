// The sync kind's admin actions, behind /v1/sync/{name}/<action>: the destination's plan, and the
// approve-deletes both roles serve. (The origin's plan answers what its body holds; see origin_job.cpp.)
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_ACTIONS_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_ACTIONS_HPP

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

#include "runtime/job_kind.hpp"
#include "sync/model/approval_gate.hpp"
#include "sync/sync_core.hpp"

namespace vk::sync {

// POST approve-deletes, for both roles: the body's {"plan": id} must name what `gate` holds now;
// errc::bad_request naming /plan, errc::conflict giving the current id (sync/model/approval.hpp). Accepted,
// it asks for a cycle and answers {job, plan, <count_field>: how many paths it releases}.
runtime::action_result approve_held(const runtime::action_request& r, approval_gate& gate,
                                    const std::string& job, const char* count_field);

// GET /v1/sync/{name}/plan: reads both sync infos afresh and answers the add/update/delete lists (paths
// only, never values) and what the deletion guard would do.
boost::asio::awaitable<runtime::action_result> plan_action(std::shared_ptr<sync_core> core);

}  // namespace vk::sync

#endif
