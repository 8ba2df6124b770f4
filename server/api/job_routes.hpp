// Admin routes for jobs: list, detail, trigger, halt, resume, cycle history.
#ifndef VAULTKEEPER_SERVER_API_JOB_ROUTES_HPP
#define VAULTKEEPER_SERVER_API_JOB_ROUTES_HPP

#include "api/context.hpp"
#include "api/router.hpp"

namespace vk::api {

void add_job_routes(router& r, context& ctx);

}  // namespace vk::api

#endif
