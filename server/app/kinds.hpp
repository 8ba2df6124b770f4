// The job kinds this build of vaultkeeper knows.
#ifndef VAULTKEEPER_SERVER_APP_KINDS_HPP
#define VAULTKEEPER_SERVER_APP_KINDS_HPP

#include <vector>

#include "runtime/job_kind.hpp"

namespace vk::app {

// Every production kind (tests add the "test" kind in their own build of the daemon, tests/support/daemon).
std::vector<runtime::job_kind> known_kinds();

}  // namespace vk::app

#endif
