// The "snapshot" job kind: leader-aware Raft snapshots of a Vault cluster kept in storages; its parser, body
// and admin routes (list, restore: snapshot_actions.hpp).
#ifndef VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_KIND_HPP
#define VAULTKEEPER_SERVER_SNAPSHOT_SNAPSHOT_KIND_HPP

#include "runtime/job_kind.hpp"
#include "snapshot/model/settings.hpp"

#include <string>

namespace vk::snapshot {

runtime::job_kind make_snapshot_kind();

// Where a cloud storage's credentials come from ("" for a local one): the source decided now, nothing
// fetched. What --check-config prints for each snapshot storage and each keeper object store.
std::string storage_credential_source(const storage_spec& spec);

}  // namespace vk::snapshot

#endif
