// The "snapshot" job kind: leader-aware Raft snapshots of a Vault cluster kept in storages; its parser, body
// and admin routes (list, restore: snapshot_actions.hpp).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_KIND_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_KIND_HPP

#include "runtime/job_kind.hpp"

namespace vk::snapshot {

runtime::job_kind make_snapshot_kind();

}  // namespace vk::snapshot

#endif
