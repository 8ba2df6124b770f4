// Admin routes that job kinds add (GET /v1/sync/{name}/plan, POST /v1/sync/{name}/approve-deletes...): one
// route per kind action, answered by the named job's body.
#ifndef VAULTKEEPER_SERVER_API_KIND_ROUTES_HPP
#define VAULTKEEPER_SERVER_API_KIND_ROUTES_HPP

#include "api/context.hpp"
#include "api/router.hpp"

namespace vk::api {

void add_kind_routes(router& r, context& ctx);

}  // namespace vk::api

#endif
