// The destination role's job body: diff the origin's sync info against its own, copy what changed, save
// what really reached the destination Vault. Its actions (sync/sync_actions.hpp): plan (the diff without
// applying it) and the deletion-guard approval (approve-deletes: a cycle is queued, or errc::conflict when
// nothing is held).
#ifndef VAULTKEEPER_SERVER_SYNC_DESTINATION_JOB_HPP
#define VAULTKEEPER_SERVER_SYNC_DESTINATION_JOB_HPP

#include "sync/sync_base.hpp"

#include <memory>

namespace vk::sync {

// The body, or the error of building its clients (runtime::body_of).
runtime::body_result make_destination_body(const vk::job_config& jc, runtime::job_services& services);

}  // namespace vk::sync

#endif
