// The job kinds this build of vaultkeeper knows.
#ifndef VAULTKEEPER_SERVER_APP_KINDS_HPP
#define VAULTKEEPER_SERVER_APP_KINDS_HPP

#include <vector>

#include "runtime/job_kind.hpp"

namespace vk::app {

// Every production kind, plus the "test" kind when VAULTKEEPER_TEST_KINDS=1 is set in the environment.
std::vector<runtime::job_kind> known_kinds();

}  // namespace vk::app

#endif
