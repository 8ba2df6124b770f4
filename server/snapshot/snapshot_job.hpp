// The "snapshot" job kind: leader-aware Raft snapshots, streamed and verified into the spool, then uploaded
// to every storage with retention per storage; admin actions list and restore (actions.hpp).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_JOB_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_JOB_HPP

#include "runtime/job_kind.hpp"

namespace vk::snapshot {

runtime::job_kind make_snapshot_kind();

}  // namespace vk::snapshot

#endif
