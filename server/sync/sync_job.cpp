// The "sync" kind: settings parser, role -> body, and the admin actions.
#include "sync/sync_job.hpp"

#include "sync/destination_job.hpp"
#include "sync/origin_job.hpp"

namespace vk::sync {
namespace asio = boost::asio;

namespace {

std::unique_ptr<runtime::job_body> create(const vk::job_config& jc, runtime::job_services& services)
{
    const auto& s = static_cast<const sync_settings&>(*jc.settings);
    if (s.role == role::destination)
        return make_destination_body(jc, services);
    return make_origin_body(jc, services);
}

std::shared_ptr<sync_core> core_of(runtime::job_body& body)
{
    return static_cast<sync_base&>(body).core();
}

asio::awaitable<runtime::action_reply> plan(runtime::job_body& body, const std::function<void()>&)
{
    co_return co_await plan_action(core_of(body));
}

asio::awaitable<runtime::action_reply> status(runtime::job_body& body, const std::function<void()>&)
{
    auto s = body.status();
    s["job"] = core_of(body)->job;
    co_return runtime::action_reply{200, std::move(s)};
}

asio::awaitable<runtime::action_reply> approve(runtime::job_body& body, const std::function<void()>& request_cycle)
{
    co_return approve_deletes(body, request_cycle);
}

}  // namespace

runtime::job_kind make_sync_kind()
{
    return runtime::job_kind{
        "sync",
        parse_settings,
        create,
        {
            {"GET", "plan", plan},
            {"GET", "status", status},
            {"POST", "approve-deletes", approve},
        },
    };
}

}  // namespace vk::sync
