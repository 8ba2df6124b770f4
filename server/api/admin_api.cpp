// Assembles the admin route table.
#include "api/admin_api.hpp"

#include "api/host_guard.hpp"
#include "api/job_routes.hpp"
#include "api/kind_routes.hpp"
#include "api/system_routes.hpp"
#include "api/ui_routes.hpp"

namespace vk::api {

std::unique_ptr<router> build_router(context& ctx, std::function<const access_list&()> access)
{
    auto r = std::make_unique<router>(std::move(access), ctx.metrics);
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

std::string guard_name(const route& r)
{
    if (!r.needs_auth)
        return "public";
    if (r.any_scope)
        return "any-token";
    std::string name(to_string(needed_scope(r)));
    if (r.dry_run_needs)  // "restore|operate": the second suffices for a dry run
        name.append("|").append(to_string(*r.dry_run_needs));
    return name;
}

}  // namespace vk::api
