// Destination cycle: refresh both sync infos (only changed buckets are read), diff, run the allowed tasks
// with bounded concurrency, record what reached the destination Vault, save the changed buckets.
#include "sync/destination_job.hpp"
#include "async/sleep.hpp"
#include "sync/sync_actions.hpp"
#include "sync/sync_metrics.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <map>

#include "async/deadline.hpp"
#include "consul/watch.hpp"
#include "core/duration.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "runtime/workers.hpp"
#include "sync/consul_store.hpp"
#include "sync/copy_secret.hpp"
#include "sync/info_steps.hpp"
#include "sync/model/approval_gate.hpp"
#include "sync/model/capacity.hpp"
#include "sync/model/collisions.hpp"
#include "sync/model/consul_layout.hpp"
#include "sync/model/cycle_plan.hpp"
#include "sync/model/origin_wait.hpp"
#include "sync/model/replication_lag.hpp"
#include "sync/model/save_trust.hpp"
#include "sync/phase_times.hpp"
#include "sync/startup_checks.hpp"

namespace vk::sync {
namespace asio = boost::asio;
namespace json = boost::json;
using namespace asio::experimental::awaitable_operators;
using system_clock = std::chrono::system_clock;

namespace {

constexpr std::size_t reported_failures = 10;  // per cycle; the rest are summarised
constexpr std::chrono::seconds watch_wait{300};
constexpr std::chrono::seconds watch_retry{5};

class destination_body final : public sync_base
{
public:
    explicit destination_body(std::shared_ptr<sync_core> core)
        : sync_base(std::move(core)),
          origin_reader_(core_->settings->origin_prefix()),
          dest_reader_(core_->settings->destination_prefix(), true)
    {
    }

    asio::awaitable<result<void>> start(runtime::cycle_context&) override
    {
        auto& core = *core_;
        const auto& s = *core.settings;
        if (auto r = co_await start_side(core.origin, s.origin.mounts); !r)
            co_return r.error();
        std::vector<std::string> data_paths;
        for (const auto& m : core.origin.mounts)
            data_paths.push_back(m.v2 ? m.path + "data/" : m.path);
        const std::vector<std::string> read{"read"};
        if (auto r = co_await check_capabilities(*core.origin.vault, data_paths, read); !r)
            co_return r.error();
        const std::vector<std::string> every_kv_mount;
        if (auto r = co_await start_side(core.destination, every_kv_mount); !r)
            co_return r.error();
        if (auto r = co_await probe_consul(*core.destination.consul,
                                           s.destination.sync_path + "probe-" + core.job);
            !r)
            co_return r.error();
        co_return co_await check_own_capacity();
    }

    // The destination's saved info at the origin's current bucket count (which it adopts) fits, read before
    // the first cycle so that a count too small is named at start-up rather than by a failed save. An origin
    // Consul that does not answer yet is no start-up failure (the cycles wait for it): then the stored count.
    asio::awaitable<result<void>> check_own_capacity()
    {
        auto& core = *core_;
        const auto& s = *core.settings;
        auto origin = co_await load_index(*core.origin.consul, s.origin_prefix());
        const std::size_t count = origin ? origin->hashes.size() : 0;
        auto fits = co_await check_stored_capacity(*core.destination.consul, s.destination_prefix(), count);
        if (!fits && fits.error().is(errc::too_large))
            co_return capacity_error_for(fits.error(), core.job, false);
        co_return fits;
    }

    asio::awaitable<void> background(const std::function<void()>& request_cycle) override
    {
        if (!core_->settings->watch)
            co_return co_await sync_base::background(request_cycle);
        co_await (sync_base::background(request_cycle) && watch(request_cycle));
    }

    asio::awaitable<void> run_cycle(runtime::cycle_context& ctx) override
    {
        auto core = core_;
        const auto& s = *core->settings;
        phase_times phases;
        auto ro = co_await origin_reader_.refresh(*core->origin.consul, s.workers);
        if (!ro)
            co_return ctx.error(ro.error());
        if (!ro->present)
            co_return wait_for_origin(ctx);
        note_origin_present(wait_);
        phases.lap("read_origin");
        if (!trust_.trusted())
            dest_reader_.reset();
        auto rd = co_await dest_reader_.refresh(*core->destination.consul, s.workers);
        if (!rd)
            co_return ctx.error(rd.error());
        phases.lap("read_own");
        auto& origin = *origin_reader_.info();
        auto& stored = dest_reader_.info();
        const consul_holdings held = dest_reader_.holdings();
        trust_.begin_save();
        if (auto a = align_destination(stored, origin.bucket_count()); !a)
            co_return ctx.error(a.error());
        auto& dest = *stored;
        auto diff = co_await compare_in_steps(origin, dest);
        if (!diff)
            co_return ctx.error(diff.error());
        for (const auto& w : diff->warnings)
            ctx.warning(make_error(errc::bad_response, w));
        phases.lap("diff");
        if (!diff->empty())
            lag_.found_changes(system_clock::now());

        plan_options po{s.ignore_deletes, s.max_delete_percent,
                        gate_.approved_plan(system_clock::now(), s.approval_ttl)};
        auto plan = plan_cycle(std::move(*diff), dest.size(), po);
        note_guard(ctx, plan, dest.size());
        note_collisions(ctx, guard_collisions(plan.run, origin, s.pack), dest);
        counts_ = {};
        failures_.clear();
        if (dest.size() < origin.size() / 2)
            dest.reserve_like(origin);  // a first copy: the destination ends where the origin is
        co_await run_tasks(ctx, plan.run, origin, dest);
        phases.lap("copy");
        if (s.repair)
        {
            co_await repair(ctx, dest);
            phases.lap("repair");
        }
        report_failures(ctx);

        co_await reindex_in_steps(dest);
        phases.lap("reindex");
        if (auto cap = check_capacity(dest); !cap)
            co_return ctx.error(capacity_error_for(cap.error(), core->job, false));
        auto written = co_await save_info(*core->destination.consul, s.destination_prefix(), held, dest);
        if (!written)
            co_return ctx.error(written.error());  // not trusted: Consul holds an unknown mix now
        trust_.saved();
        phases.lap("save");
        finish_cycle(ctx, plan, *written, dest);
        last_["seconds"] = phases.seconds();
    }

    json::object status() const override
    {
        json::array failed;
        for (const auto& [path, e] : failures_)
            if (failed.size() < 20)
                failed.push_back(json::object{{"path", path}, {"error", e.describe()}});
        return {
            {"role", "destination"},
            {"state", wait_.waiting() ? "waiting" : "replicating"},
            {"waiting", waiting_json()},
            {"last_cycle", last_},
            {"lag_seconds", lag_seconds()},
            {"held_deletes", gate_.held_count()},
            {"held_plan", held_plan_json(gate_)},
            {"approved_plan", approved_plan_json(gate_)},
            {"failed_paths", failures_.size()},
            {"failures", std::move(failed)},
        };
    }

    runtime::action_table actions() override
    {
        runtime::action_table table;
        table["plan"] = [core = core_](const runtime::action_request&) { return plan_action(core); };
        table["approve-deletes"] = [this](const runtime::action_request& r) {
            // decided now: the body is not used after this call
            return runtime::ready(approve_held(r, gate_, core_->job, "held_deletes"));
        };
        return table;
    }

private:
    // No origin index yet: the origin has never published (or its sync path was wiped). An ok cycle in the
    // `waiting` state; an alert once the wait outlasts origin_grace.
    void wait_for_origin(runtime::cycle_context& ctx)
    {
        const auto& s = *core_->settings;
        ctx.count("waiting_for_origin");
        if (note_origin_absent(wait_, system_clock::now(), s.origin_grace) == wait_verdict::alert_overdue)
            ctx.alert(make_error(errc::not_found,
                                 "the origin has published no sync info for longer than origin_grace (" +
                                     format_duration(s.origin_grace) + "); is its origin job running?",
                                 "", index_key(s.origin_prefix())));
        else
            ctx.info("waiting for the origin's first publish", {{"key", index_key(s.origin_prefix())}});
    }

    json::value waiting_json() const
    {
        if (!wait_.waiting())
            return nullptr;
        return json::object{
            {"reason", "the origin has not published a sync info yet (is its origin job running?)"},
            {"key", index_key(core_->settings->origin_prefix())},
            {"since", format_rfc3339(*wait_.since)},
            {"overdue", wait_.alerted},
        };
    }

    // A blocking query on the origin index: a change starts a cycle within seconds instead of a tick (the
    // first answer does not: the start-up cycle covers it).
    asio::awaitable<void> watch(const std::function<void()>& request_cycle)
    {
        auto core = core_;
        consul::watch_options o;
        o.wait = watch_wait;
        o.retry = watch_retry;
        consul::watch_handlers h;
        h.changed = [&](const std::optional<consul::kv_entry>&, bool first) {
            if (first)
                return;
            lag_.origin_changed(system_clock::now());
            request_cycle();
        };
        h.failed = [&](const error& e) {
            log::debug("origin index watch failed; retrying", {{"job", core->job}, {"error", e.describe()}});
        };
        co_await consul::watch(*core->origin.consul, index_key(core->settings->origin_prefix()), o, h);
    }

    copy_context copier() const
    {
        auto& core = *core_;
        return copy_context{*core.origin.vault,
                            *core.destination.vault,
                            core.origin.mounts,
                            core.destination.mounts,
                            core.settings->pack,
                            core.pace.unlimited() ? nullptr : &core.pace,
                            core.settings->kv_v1_insight_key ? &*core.settings->kv_v1_insight_key : nullptr};
    }

    // The tasks' paths view `origin` (unchanged while they run) or the plan's own storage.
    asio::awaitable<void> run_tasks(runtime::cycle_context& ctx, const std::vector<task>& tasks,
                                    const sync_info& origin, sync_info& dest)
    {
        const copy_context cc = copier();
        std::function<asio::awaitable<void>(std::size_t)> one = [&](std::size_t i) -> asio::awaitable<void> {
            const task& t = tasks[i];
            const std::string path(t.path);
            if (t.op == task_op::remove)
            {
                auto r = co_await delete_secret(cc, path);
                if (!r)
                    co_return fail(path, r.error());
                dest.remove(path);
                co_return bump("delete");
            }
            // Owned: the origin's bucket could hand out views only while nothing changes it.
            const insight in = origin.find(path).value_or(insight_view{}).owned();
            auto r = co_await copy_secret(cc, path, in);
            if (!r)
                co_return fail(path, r.error());
            if (!*r)
            {
                ++counts_["gone_at_origin"];
                co_return;
            }
            dest.put(path, **r);
            bump(t.op == task_op::add ? "add" : "update");
        };
        co_await runtime::for_each_bounded(tasks.size(), core_->settings->workers, one);
        (void)ctx;
    }

    asio::awaitable<void> repair(runtime::cycle_context&, const sync_info& dest)
    {
        // Views into dest, which nothing changes while the repairs run.
        std::vector<std::pair<std::string_view, insight_view>> entries;
        entries.reserve(dest.size());
        for (std::size_t b = 0; b < dest.bucket_count(); ++b)
            for (const auto& [path, in] : dest.bucket_at(b))
                entries.emplace_back(path, in);
        const copy_context cc = copier();
        std::function<asio::awaitable<void>(std::size_t)> one = [&](std::size_t i) -> asio::awaitable<void> {
            const std::string path(entries[i].first);
            const insight in = entries[i].second.owned();
            auto r = co_await repair_secret(cc, path, in);
            if (!r)
                co_return fail(path, r.error());
            if (*r)
                bump("repair");
        };
        co_await runtime::for_each_bounded(entries.size(), core_->settings->workers, one);
    }

    void bump(const std::string& op)
    {
        ++counts_[op];
        core_->count(op, 1);
    }

    void fail(const std::string& path, error e)
    {
        if (e.path.empty())
            e.path = path;
        failures_.emplace(path, std::move(e));
    }

    void report_failures(runtime::cycle_context& ctx)
    {
        std::size_t n = 0;
        for (const auto& [path, e] : failures_)
            if (n++ < reported_failures)
                ctx.error(e);
        if (failures_.size() > reported_failures)
            ctx.error(make_error(errc::server_error, std::to_string(failures_.size() - reported_failures) +
                                                         " more paths failed; they are retried next cycle"));
        core_->count("fail", static_cast<double>(failures_.size()));
    }

    // Colliding origin paths are an error each cycle until fixed; a dropped delete is forgotten in the info.
    void note_collisions(runtime::cycle_context& ctx, const collision_check& check, sync_info& dest)
    {
        for (const auto& c : check.collisions)
            ctx.error(describe(c));
        for (const auto& path : check.forget)
            dest.remove(path);
    }

    void note_guard(runtime::cycle_context& ctx, const cycle_plan& plan, std::size_t synced)
    {
        if (plan.approval_used)
            gate_.use_approval();
        gate_.hold(plan.held_deletes ? plan.delete_plan : std::string(), plan.held_deletes);
        if (plan.ignored_deletes)
            ctx.count("deletes_ignored", static_cast<std::int64_t>(plan.ignored_deletes));
        if (!plan.held_deletes)
            return;
        ctx.count("deletes_held", static_cast<std::int64_t>(plan.held_deletes));
        ctx.alert(deletes_held_alert(plan, synced));
    }

    void finish_cycle(runtime::cycle_context& ctx, const cycle_plan& plan, std::size_t written,
                      const sync_info& dest)
    {
        for (const auto& [op, n] : counts_)
            ctx.count(op, n);
        ctx.count("keys_written", static_cast<std::int64_t>(written));
        core_->count("bucket_write", static_cast<double>(written));
        bool in_sync = failures_.empty() && plan.held_deletes == 0 && plan.ignored_deletes == 0;
        if (in_sync)
            lag_.caught_up();
        auto& core = *core_;
        core.gauge(metric::secrets, static_cast<double>(dest.size()));
        core.gauge(metric::lag, lag_seconds());
        core.gauge(metric::failed_paths, static_cast<double>(failures_.size()));
        core.gauge(metric::bucket_fill, fill_ratio(dest));
        core.gauge(metric::deletes_held, static_cast<double>(gate_.held_count()));
        json::object last;
        for (const auto& [op, n] : counts_)
            last[op] = n;
        last["secrets"] = dest.size();
        last["planned"] = plan.run.size();
        last["held_deletes"] = plan.held_deletes;
        last["ignored_deletes"] = plan.ignored_deletes;
        last["failed"] = failures_.size();
        last["keys_written"] = written;
        last["buckets"] = dest.bucket_count();
        last["fill_ratio"] = fill_ratio(dest);
        last_ = std::move(last);
    }

    double lag_seconds() const { return lag_.seconds(system_clock::now()); }

    info_reader origin_reader_;
    info_reader dest_reader_;
    std::map<std::string, std::int64_t> counts_;
    std::map<std::string, error> failures_;  // this cycle's, by origin path
    approval_gate gate_;                     // the deletes the guard holds and the operator's approval
    origin_wait wait_;                       // for the origin's first publish
    save_trust trust_;                       // whether the destination reader's cache is what Consul holds
    replication_lag lag_;
    json::object last_;
};

}  // namespace

runtime::body_result make_destination_body(const vk::job_config& jc, runtime::job_services& services)
{
    return runtime::body_of<destination_body, sync_core>(jc, services);
}

}  // namespace vk::sync
