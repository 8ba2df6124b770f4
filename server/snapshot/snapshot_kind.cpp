// The "snapshot" kind's registration: settings parser, body, and the routes its body serves
// (snapshot/snapshot_actions.hpp).
#include "snapshot/snapshot_kind.hpp"

#include "snapshot/model/settings.hpp"
#include "snapshot/snapshot_job.hpp"

namespace vk::snapshot {

runtime::job_kind make_snapshot_kind()
{
    return runtime::job_kind{
        "snapshot",
        parse_settings,
        make_snapshot_body,
        {
            {"GET", "list"},
            {"POST", "restore", false, vk::scope::restore},
        },
    };
}

}  // namespace vk::snapshot
