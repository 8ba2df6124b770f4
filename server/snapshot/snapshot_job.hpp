// The snapshot job body: leader-aware Raft snapshots, streamed and verified into the spool, then uploaded
// to every storage with retention per storage; its admin actions are in snapshot_actions.hpp.
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_JOB_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_JOB_HPP

#include <memory>

#include "runtime/job_kind.hpp"

namespace vk::snapshot {

// The body, or the error of building its clients (runtime::body_of).
runtime::body_result make_snapshot_body(const vk::job_config& jc, runtime::job_services& services);

}  // namespace vk::snapshot

#endif
