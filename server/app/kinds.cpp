// The kind table: add each new job kind here.
#include "app/kinds.hpp"

#include "emissary/emissary_kind.hpp"
#include "keeper/keeper_kind.hpp"
#include "snapshot/snapshot_kind.hpp"
#include "sync/sync_kind.hpp"

namespace vk::app {

std::vector<runtime::job_kind> known_kinds()
{
    return {sync::make_sync_kind(), keeper::make_keeper_kind(), snapshot::make_snapshot_kind(),
            emissary::make_emissary_kind()};
}

}  // namespace vk::app
