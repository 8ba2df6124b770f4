// The destination role's job body: diff the origin's sync info against its own, copy what changed, save
// what really reached the destination Vault. Also the plan (the diff without applying it) and the
// deletion-guard approval, for the admin API.
#ifndef VAULTKEEPER_SERVER_SYNC_DESTINATION_JOB_HPP
#define VAULTKEEPER_SERVER_SYNC_DESTINATION_JOB_HPP

#include "sync/sync_base.hpp"

#include <memory>

namespace vk::sync {

std::unique_ptr<runtime::job_body> make_destination_body(const vk::job_config& jc, runtime::job_services& services);

// GET /v1/sync/{name}/plan: reads both sync infos afresh and answers the add/update/delete lists (paths
// only, never values) and what the deletion guard would do.
boost::asio::awaitable<runtime::action_reply> plan_action(std::shared_ptr<sync_core> core);

// POST /v1/sync/{name}/approve-deletes on a destination body: 202 and a cycle, or 409 when nothing is held.
runtime::action_reply approve_deletes(runtime::job_body& body, const std::function<void()>& request_cycle);

}  // namespace vk::sync

#endif
