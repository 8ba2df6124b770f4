// The emissary job body: polls its sources, renders each template in memory once every value it names is
// present, writes it atomically when it changed, then runs the command once for all of them.
#ifndef VAULTKEEPER_SERVER_EMISSARY_EMISSARY_JOB_HPP
#define VAULTKEEPER_SERVER_EMISSARY_EMISSARY_JOB_HPP

#include <memory>

#include "runtime/job_kind.hpp"

namespace vk::emissary {

// The body, or the error of building its clients (runtime::body_of).
runtime::body_result make_emissary_body(const vk::job_config& jc, runtime::job_services& services);

}  // namespace vk::emissary

#endif
