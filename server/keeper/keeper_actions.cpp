// The keeper kind's admin actions. A custodian's share: its download recorded in the record, under the same
// turn, before the answer. The operator's rekey request: taken only once it is durable. The record is
// read fresh under the job's turn (a cycle may have moved it since), checked, and written as `requested`; the
// cycle that follows carries it out, and so does any later one after a crash. While a store is unusable the
// new set goes to the others, or the request is refused when they cannot hold it with each below the
// threshold.
#include "keeper/keeper_actions.hpp"

#include "core/time.hpp"
#include "keeper/procedure_runner.hpp"

#include <chrono>

namespace vk::keeper {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
// How long the request waits for a running cycle before saying "busy".
constexpr auto busy_limit = std::chrono::seconds(30);

// The job's turn on the record (a running cycle waited for up to busy_limit) and the record read fresh under
// it into core.record; the caller holds the turn until it has written.
asio::awaitable<result<async_mutex::lock>> record_turn(keeper_core& core)
{
    auto turn = co_await core.turn.acquire(busy_limit);
    if (!turn)
        co_return make_error(errc::unavailable, "a keeper cycle is still running; retry the request",
                             core.job);
    auto r = co_await core.stores.read_record();
    if (!r)
        co_return r.error();
    core.record = std::move(*r);
    co_return std::move(*turn);
}

asio::awaitable<runtime::action_result> accept_rekey(std::shared_ptr<keeper_core> core,
                                                     std::function<void()> request_cycle)
{
    auto turn = co_await record_turn(*core);
    if (!turn)
        co_return turn.error();
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

asio::awaitable<runtime::action_result> fetch_custodian_share(std::shared_ptr<keeper_core> core,
                                                              std::string custodian, std::string caller,
                                                              bool again)
{
    auto turn = co_await record_turn(*core);
    if (!turn)
        co_return turn.error();
    if (!core->record.current)
        co_return make_error(errc::not_found, "no shard set held yet", core->job);
    auto next = core->record;
    auto share = fetch_share(next.current->custodians, custodian, caller, unix_now(), again);
    if (!share)
        co_return share.error();
    if (auto w = co_await commit_record(*core, next); !w)
        co_return w.error();
    co_return json::object{{"job", core->job},
                           {"custodian", share->name},
                           {"set", core->record.current->id},
                           {"fingerprint", share->fingerprint},
                           {"message", share->message},
                           {"fetched_by", share->fetched_by},
                           {"fetched_unix", share->fetched_unix},
                           {"fetches", share->fetches}};
}

}  // namespace

asio::awaitable<runtime::action_result> custodian_share_action(std::shared_ptr<keeper_core> core,
                                                               const runtime::action_request& req)
{
    auto again = req.query.find("again");
    if (again != req.query.end() && again->second != "true" && again->second != "false")
        return runtime::ready(make_error(errc::bad_request, "again: must be true or false"));
    bool twice = again != req.query.end() && again->second == "true";
    return fetch_custodian_share(std::move(core), req.params.at("custodian"), req.caller, twice);
}

asio::awaitable<runtime::action_result> rekey_action(std::shared_ptr<keeper_core> core,
                                                     const runtime::action_request& req)
{
    if (!req.body.is_null() && !(req.body.is_object() && req.body.as_object().empty()))
        return runtime::ready(make_error(errc::bad_request, "/: the rekey request takes no body"));
    return accept_rekey(std::move(core), req.request_cycle);
}

}  // namespace vk::keeper
