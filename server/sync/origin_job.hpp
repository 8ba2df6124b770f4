// The origin role's job body: walk the origin Vault, publish the insights in Consul when the walk succeeded.
#ifndef VAULTKEEPER_SERVER_SYNC_ORIGIN_JOB_HPP
#define VAULTKEEPER_SERVER_SYNC_ORIGIN_JOB_HPP

#include "sync/sync_base.hpp"

#include <memory>

namespace vk::sync {

// The body, or the error of building its clients (runtime::body_of).
runtime::body_result make_origin_body(const vk::job_config& jc, runtime::job_services& services);

}  // namespace vk::sync

#endif
