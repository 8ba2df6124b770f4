// The keeper kind's admin actions. The operator's rekey request: taken only once it is durable. The record is
// read fresh under the job's turn (a cycle may have moved it since), checked, and written as `requested`; the
// cycle that follows carries it out, and so does any later one after a crash. While a store is unusable the
// new set goes to the others, or the request is refused when they cannot hold it with each below the
// threshold.
#include "keeper/keeper_actions.hpp"

#include "keeper/procedure_runner.hpp"

#include <chrono>

namespace vk::keeper {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
// How long the request waits for a running cycle before saying "busy".
constexpr auto busy_limit = std::chrono::seconds(30);

asio::awaitable<runtime::action_result> accept_rekey(std::shared_ptr<keeper_core> core,
                                                     std::function<void()> request_cycle)
{
    auto turn = co_await core->turn.acquire(busy_limit);
    if (!turn)
        co_return make_error(errc::unavailable, "a keeper cycle is still running; retry the request",
                             core->job);
    auto r = co_await core->stores.read_record();
    if (!r)
        co_return r.error();
    core->record = std::move(*r);
    if (!core->record.current)
        co_return make_error(errc::conflict, "no shard set held yet: nothing to rekey", core->job);
    if (core->record.st != step::idle)
        co_return json::object{{"job", core->job},
                               {"queued", false},
                               {"step", step_label(core->record.st)},
                               {"message", "a procedure is already running"}};
    auto p = procedure_policy_of(*core);
    if (!p)
        co_return p.error();
    if (!p->no_placement.empty())  // unusable stores leave no placement for the new set: refused (409)
        co_return make_error(errc::conflict, "rekey refused: " + p->no_placement, core->job);
    if (auto w = co_await commit_record(*core, request_rekey(core->record, *p)); !w)
        co_return w.error();
    request_cycle();
    co_return json::object{{"job", core->job}, {"queued", true}, {"planned", core->record.planned->id}};
}

}  // namespace

asio::awaitable<runtime::action_result> rekey_action(std::shared_ptr<keeper_core> core,
                                                     const runtime::action_request& req)
{
    if (!req.body.is_null() && !(req.body.is_object() && req.body.as_object().empty()))
        return runtime::ready(make_error(errc::bad_request, "/: the rekey request takes no body"));
    return accept_rekey(std::move(core), req.request_cycle);
}

}  // namespace vk::keeper
