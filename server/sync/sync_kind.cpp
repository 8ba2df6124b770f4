// The "sync" kind's registration: settings parser, role -> body, and the admin routes its bodies serve
// (sync/sync_actions.hpp).
#include "sync/sync_kind.hpp"

#include "sync/destination_job.hpp"
#include "sync/origin_job.hpp"

namespace vk::sync {

namespace {

runtime::body_result create(const vk::job_config& jc, runtime::job_services& services)
{
    const auto& s = static_cast<const sync_settings&>(*jc.settings);
    if (s.role == role::destination)
        return make_destination_body(jc, services);
    return make_origin_body(jc, services);
}

}  // namespace

runtime::job_kind make_sync_kind()
{
    return runtime::job_kind{
        "sync",
        parse_settings,
        create,
        {
            {"GET", "plan"},
            {"POST", "approve-deletes", true, vk::scope::approve, vk::follow_up::next_cycle},
        },
    };
}

}  // namespace vk::sync
