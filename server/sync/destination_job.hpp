// The destination role's job body: diff the origin's sync info against its own, copy what changed, save
// what really reached the destination Vault. Its actions: plan (the diff without applying it), status and the
// deletion-guard approval (approve-deletes: a cycle is queued, or errc::conflict when nothing is held).
#ifndef VAULTKEEPER_SERVER_SYNC_DESTINATION_JOB_HPP
#define VAULTKEEPER_SERVER_SYNC_DESTINATION_JOB_HPP

#include "sync/sync_base.hpp"

#include <memory>

namespace vk::sync {

std::unique_ptr<runtime::job_body> make_destination_body(const vk::job_config& jc,
                                                         runtime::job_services& services);

// GET /v1/sync/{name}/plan: reads both sync infos afresh and answers the add/update/delete lists (paths
// only, never values) and what the deletion guard would do.
boost::asio::awaitable<runtime::action_result> plan_action(std::shared_ptr<sync_core> core);

}  // namespace vk::sync

#endif
