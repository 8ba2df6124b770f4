// The snapshot kind's admin actions: GET list (stored snapshots per storage) and POST restore (download,
// verify, restore into the active node; only with allow_restore).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_ACTIONS_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_ACTIONS_HPP

#include "runtime/job_kind.hpp"
#include "snapshot/snapshot_core.hpp"

#include <memory>

namespace vk::snapshot {

runtime::action_table snapshot_actions(std::shared_ptr<snapshot_core> core);

}  // namespace vk::snapshot

#endif
