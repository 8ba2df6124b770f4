// Admin routes about the daemon itself: health, readiness, metrics, log level.
#ifndef VAULTKEEPER_SERVER_API_SYSTEM_ROUTES_HPP
#define VAULTKEEPER_SERVER_API_SYSTEM_ROUTES_HPP

#include "api/context.hpp"
#include "api/router.hpp"

namespace vk::api {

void add_system_routes(router& r, context& ctx);

}  // namespace vk::api

#endif
