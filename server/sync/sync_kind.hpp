// The sync job kind: its settings parser, the origin or destination body a job gets, and its admin routes
// (plan, approve-deletes).
#ifndef VAULTKEEPER_SERVER_SYNC_SYNC_KIND_HPP
#define VAULTKEEPER_SERVER_SYNC_SYNC_KIND_HPP

#include "runtime/job_kind.hpp"

namespace vk::sync {

runtime::job_kind make_sync_kind();

}  // namespace vk::sync

#endif
