// The admin API's full route table (system, jobs, and the routes job kinds add) and the HTTP handler that
// serves it.
#ifndef VAULTKEEPER_SERVER_API_ADMIN_API_HPP
#define VAULTKEEPER_SERVER_API_ADMIN_API_HPP

#include <functional>
#include <memory>
#include <string>

#include "api/context.hpp"
#include "api/router.hpp"

namespace vk::api {

// `access` is consulted on every request, so a reload that changes the admin tokens applies at once.
std::unique_ptr<router> build_router(context& ctx, std::function<const access_list&()> access);

// How a route is guarded, as --print-routes and api/openapi.yaml name it: "public", "any-token" (about the
// caller) or the scope it needs.
std::string guard_name(const route& r);

}  // namespace vk::api

#endif
