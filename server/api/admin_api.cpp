// Assembles the admin route table.
#include "api/admin_api.hpp"

#include "api/auth.hpp"
#include "api/host_guard.hpp"
#include "api/job_routes.hpp"
#include "api/kind_routes.hpp"
#include "api/system_routes.hpp"
#include "api/ui_routes.hpp"

namespace vk::api {

std::unique_ptr<router> build_router(context& ctx, std::function<std::string()> token)
{
    auto r = std::make_unique<router>(
        [token = std::move(token)](const http::request& req) { return bearer_matches(req, token()); },
        ctx.metrics);
    if (ctx.listen_port != 0)
        r->set_host_check([port = ctx.listen_port, names = ctx.host_names](std::string_view host) {
            return host_allowed(host, port, names);
        });
    add_system_routes(*r, ctx);
    add_job_routes(*r, ctx);
    add_kind_routes(*r, ctx);
    add_ui_routes(*r);
    return r;
}

}  // namespace vk::api
