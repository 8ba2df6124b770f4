// The keeper body: start-up checks, and a cycle as unseal every node, then run the procedure.
#include "keeper/keeper_job.hpp"

#include <boost/json/object.hpp>

#include "keeper/keeper_actions.hpp"
#include "keeper/keeper_core.hpp"
#include "keeper/node_discovery.hpp"
#include "keeper/procedure_runner.hpp"
#include "keeper/unseal.hpp"

namespace vk::keeper {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

class keeper_body final : public runtime::job_body
{
public:
    explicit keeper_body(std::shared_ptr<keeper_core> core)
        : core_(std::move(core))
    {
    }

    // Start-up checks; a failure stops the job, and status keeps why with the nodes as seen.
    asio::awaitable<result<void>> start(runtime::cycle_context& ctx) override
    {
        auto core = core_;
        core->stopped.clear();
        auto started = co_await start_checks(*core, ctx);
        if (!started)
            core->stopped_by(started.error());
        co_return started;
    }

    asio::awaitable<void> run_cycle(runtime::cycle_context& ctx) override
    {
        auto core = core_;
        auto turn = co_await core->turn.acquire(std::chrono::hours(24));  // the cycle deadline bounds it
        if (!turn)
            co_return;
        auto r = co_await core->stores.read_record();
        core->report_store_health(ctx);
        if (!r)
        {
            ctx.error(r.error());
            co_return;
        }
        core->record = std::move(*r);
        co_await discover_nodes(*core, ctx);
        // Again when the procedure changed the sets (init) or discovery, failing before, now names more
        // nodes (one just unsealed answers): unseal with what is new now, not next cycle.
        for (int round = 0; round < 3; ++round)
        {
            co_await unseal_nodes(*core, ctx);
            auto seq = core->record.seq;
            co_await run_procedure(*core, ctx);
            bool again = core->record.seq != seq;
            if (!core->discovery_note.empty())
                again = co_await discover_nodes(*core, ctx) || again;
            if (!again || ctx.has_fatal())
                break;
        }
        co_await core->rotate_keks(ctx);
        core->held = co_await core->stores.counts();
        core->publish_metrics();
    }

    json::object status() const override { return core_->status(); }

    runtime::action_table actions() override
    {
        runtime::action_table table;
        auto core = core_;
        table["rekey"] = [core](const runtime::action_request& req) { return rekey_action(core, req); };
        table["custodians/{custodian}/share"] = [core](const runtime::action_request& req) {
            return custodian_share_action(core, req);
        };
        return table;
    }

private:
    // The nodes are looked at first (so a job that stops here still shows them). Every store is checked
    // (a probe object written and removed; nothing else is written) and read: the stores that open must give
    // the record. A store that fails either is fatal unless a set is held and the others still give
    // `threshold` of its shards: then the keeper starts degraded (an alert per unusable store) and keeps
    // unsealing, which is the promise. Recovery of an interrupted procedure is the first cycle's work (the
    // same code as every cycle).
    static asio::awaitable<result<void>> start_checks(keeper_core& core, runtime::cycle_context& ctx)
    {
        co_await observe_nodes(core);
        auto failed = co_await core.stores.check();  // creates a missing directory before it is read
        auto turn = co_await core.turn.acquire(std::chrono::hours(24));  // a rekey request being recorded
        if (!turn)
            co_return make_error(errc::cancelled, "cancelled", core.job);
        auto r = co_await core.stores.read_record();
        if (!r)
            co_return r.error();
        core.record = std::move(*r);
        core.stores.mark_unusable(failed);
        int readable = 0;
        if (core.record.current)
            readable = static_cast<int>((co_await core.stores.read_set(*core.record.current)).size());
        if (auto ok = degraded_start(core.record, readable, core.stores.health()); !ok)
            co_return ok.error();
        core.report_store_health(ctx);
        co_return result<void>();
    }

    std::shared_ptr<keeper_core> core_;
};

}  // namespace

runtime::body_result make_keeper_body(const vk::job_config& jc, runtime::job_services& services)
{
    return runtime::body_of<keeper_body, keeper_core>(jc, services);
}

}  // namespace vk::keeper
