// vaultkeeper's command line (--config, --check-config, --print-routes, --version, --help) over a table of
// job kinds: the production binary passes app::known_kinds(); the test build of the daemon adds its own.
#ifndef VAULTKEEPER_SERVER_APP_CLI_HPP
#define VAULTKEEPER_SERVER_APP_CLI_HPP

#include <vector>

#include "runtime/job_kind.hpp"

namespace vk::app {

// Returns the process exit code: 0, 1 (the daemon failed or could not start), 2 (usage or invalid config).
int run_cli(int argc, char** argv, std::vector<runtime::job_kind> kinds);

}  // namespace vk::app

#endif
