// The "keeper" kind's registration: settings parser, body, and the route its body serves
// (keeper/keeper_actions.hpp).
#include "keeper/keeper_kind.hpp"

#include "keeper/keeper_job.hpp"
#include "keeper/model/settings.hpp"

namespace vk::keeper {

runtime::job_kind make_keeper_kind()
{
    return runtime::job_kind{
        "keeper",
        parse_settings,
        make_keeper_body,
        {
            {"POST", "rekey", true, vk::scope::rekey, vk::follow_up::procedure},
        },
    };
}

}  // namespace vk::keeper
