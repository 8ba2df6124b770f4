// The keeper job body: start-up checks (nodes, stores, record), and a cycle as unseal every node, then run
// the procedure; its status and its rekey action.
#ifndef VAULTKEEPER_SERVER_KEEPER_KEEPER_JOB_HPP
#define VAULTKEEPER_SERVER_KEEPER_KEEPER_JOB_HPP

#include <memory>

#include "runtime/job_kind.hpp"

namespace vk::keeper {

// The body, or the error of building its clients (runtime::body_of).
runtime::body_result make_keeper_body(const vk::job_config& jc, runtime::job_services& services);

}  // namespace vk::keeper

#endif
