// The sync job kind: the origin and destination bodies (coroutine shells around the pure sync core) and
// their admin actions (plan, status, approve-deletes).
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_JOB_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_JOB_HPP

#include "runtime/job_kind.hpp"

namespace vk::sync {

runtime::job_kind make_sync_kind();

}  // namespace vk::sync

#endif
