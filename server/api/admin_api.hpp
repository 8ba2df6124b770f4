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

// `token` is consulted on every request, so a reload that changes the admin token applies at once.
std::unique_ptr<router> build_router(context& ctx, std::function<std::string()> token);

}  // namespace vk::api

#endif
