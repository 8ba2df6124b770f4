// The "emissary" kind's registration: settings parser and body.
#include "emissary/emissary_kind.hpp"

#include "emissary/emissary_job.hpp"
#include "emissary/model/settings.hpp"

namespace vk::emissary {

runtime::job_kind make_emissary_kind()
{
    // The emissary has no admin actions (no emissary_actions.cpp): its state is in GET /v1/jobs/{name}.
    return runtime::job_kind{"emissary", parse_settings, make_emissary_body, {}};
}

}  // namespace vk::emissary
