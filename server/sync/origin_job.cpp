// Origin cycle: a fresh sync info from a full walk, saved only when the walk read every path; only changed
// buckets are written, the index last.
#include "sync/origin_job.hpp"
#include "sync/sync_actions.hpp"
#include "sync/sync_metrics.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "sync/consul_store.hpp"
#include "sync/info_steps.hpp"
#include "sync/model/capacity.hpp"
#include "sync/model/publish_hold.hpp"
#include "sync/model/save_trust.hpp"
#include "sync/phase_times.hpp"
#include "sync/startup_checks.hpp"

namespace vk::sync {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

class origin_body final : public sync_base
{
public:
    using sync_base::sync_base;

    asio::awaitable<result<void>> start(runtime::cycle_context& ctx) override
    {
        auto& core = *core_;
        const auto& s = *core.settings;
        if (auto r = co_await start_side(core.origin, s.origin.mounts); !r)
            co_return r.error();
        const std::vector<std::string> caps{"read", "list"};
        auto paths = walk_paths(core.origin.mounts);
        if (auto r = co_await check_capabilities(*core.origin.vault, paths, caps); !r)
            co_return r.error();
        if (auto r = co_await probe_consul(*core.origin.consul, s.origin.sync_path + "probe-" + core.job); !r)
            co_return r.error();
        // What was last published, at the configured bucket count: too much for it fails here, not at a save.
        if (auto r = co_await check_stored_capacity(*core.origin.consul, s.origin_prefix(), s.buckets); !r)
            co_return r.error().is(errc::too_large) ? capacity_error_for(r.error(), core.job, true)
                                                    : r.error();
        if (!core.pace.unlimited())
            co_return co_await check_pace(ctx);
        co_return result<void>{};
    }

    asio::awaitable<void> run_cycle(runtime::cycle_context& ctx) override
    {
        auto core = core_;
        const auto& s = *core->settings;
        phase_times phases;
        walk_options opts{s.workers, core->pace.unlimited() ? nullptr : &core->pace, false};
        opts.insight_key = s.kv_v1_insight_key ? &*s.kv_v1_insight_key : nullptr;
        opts.expect = published_ ? &*published_ : nullptr;
        auto walked = co_await walk_origin(*core->origin.vault, core->origin.mounts, s.buckets, opts);
        if (!walked)
            co_return ctx.error(walked.error());
        phases.lap("walk");
        // After the walk: a mount removed before or during it answered its LISTs with 404, read as empty.
        if (auto m = co_await mounts_unchanged(*core); !m)
            co_return ctx.error(m.error());
        auto& info = *walked->info;
        co_await reindex_in_steps(info);
        phases.lap("reindex");
        ctx.count("secrets", static_cast<std::int64_t>(info.size()));
        ctx.count("skipped", static_cast<std::int64_t>(walked->skipped));
        ctx.count("vault_requests", static_cast<std::int64_t>(walked->requests));
        if (auto cap = check_capacity(info); !cap)
            co_return ctx.error(capacity_error_for(cap.error(), core->job, true));
        if (!holdings_.known())
        {
            auto found =
                co_await load_published(*core->origin.consul, s.origin_prefix(), info.bucket_count());
            if (!found)
                co_return ctx.error(found.error());
            holdings_.known_as(std::move(found->holdings));
            published_ = std::move(found->info);
            unknown_ = std::move(found->torn);
            phases.lap("read_published");
        }
        if (held(ctx, info))
            co_return;
        const consul_holdings before = holdings_.begin_save();
        auto written = co_await save_info(*core->origin.consul, s.origin_prefix(), before, info);
        if (!written)
            co_return ctx.error(written.error());
        phases.lap("save");
        holdings_.known_as(consul_holdings::consistent(info.index()));
        ctx.count("keys_written", static_cast<std::int64_t>(*written));
        core->count("bucket_write", static_cast<double>(*written));
        core->gauge(metric::secrets, static_cast<double>(info.size()));
        core->gauge(metric::bucket_fill, fill_ratio(info));
        last_ = boost::json::object{
            {"secrets", info.size()},
            {"skipped", walked->skipped},
            {"folders", walked->folders},
            {"vault_requests", walked->requests},
            {"keys_written", *written},
            {"buckets", info.bucket_count()},
            {"fill_ratio", fill_ratio(info)},
            {"walk_seconds", phases.seconds().at("walk")},  // the LISTs and metadata reads alone
            {"seconds", phases.seconds()},
        };
        published_ = std::move(info);
        unknown_.clear();
    }

    boost::json::object status() const override
    {
        return {{"role", "origin"},
                {"sync_prefix", core_->settings->origin_prefix()},
                {"last_cycle", last_},
                {"held_vanished", gate_.held_count()},
                {"held_plan", held_plan_json(gate_)},
                {"approved_plan", approved_plan_json(gate_)}};
    }

    // plan: what the drop guard holds (the paths that would vanish from the published set) and its plan id;
    // approve-deletes: publish exactly that set once.
    runtime::action_table actions() override
    {
        runtime::action_table table;
        table["plan"] = [this](const runtime::action_request&) { return runtime::ready(plan()); };
        table["approve-deletes"] = [this](const runtime::action_request& r) {
            // decided now: the body is not used after this call
            return runtime::ready(approve_held(r, gate_, core_->job, "held_vanished"));
        };
        return table;
    }

private:
    // The mounts as sys/mounts lists them now must be those the job started with.
    asio::awaitable<result<void>> mounts_unchanged(sync_core& core)
    {
        auto now = co_await check_mounts(*core.origin.vault, core.settings->origin.mounts);
        if (!now)
            co_return now.error();
        co_return same_mounts(core.origin.mounts, *now);
    }

    // The publish guard (sync/model/publish_hold.hpp). True when the walk is held.
    bool held(runtime::cycle_context& ctx, const sync_info& info)
    {
        const auto& s = *core_->settings;
        publish_inputs in{published_ ? &*published_ : nullptr, &unknown_, s.max_publish_drop_percent,
                          s.approval_ttl};
        hold_ = decide_publish(info, in, gate_, wall_clock::now());
        core_->gauge(metric::publish_held, static_cast<double>(hold_.paths.size()));
        if (!hold_.held())
            return false;
        ctx.count("publish_held", static_cast<std::int64_t>(hold_.paths.size()));
        ctx.alert(publish_held_alert(hold_));
        last_ = json::object{{"held", true}, {"secrets", info.size()}, {"published", published_->size()}};
        return true;
    }

    runtime::action_result plan() const
    {
        json::array paths;
        for (const auto& p : hold_.paths)
            paths.push_back(json::value(p));
        return json::object{
            {"job", core_->job},
            {"role", "origin"},
            {"publish_guard",
             json::object{{"hold", !hold_.plan.empty()},
                          {"percent", hold_.percent},
                          {"max_publish_drop_percent", core_->settings->max_publish_drop_percent},
                          {"published", hold_.published},
                          {"walked", hold_.walked}}},
            {"delete", std::move(paths)},
            {"plan", hold_.plan.empty() ? json::value(nullptr) : json::value(hold_.plan)},
        };
    }

    // With max_requests_per_second, the walk's requests must fit the cycle deadline; say so now rather than
    // time out every cycle.
    asio::awaitable<result<void>> check_pace(runtime::cycle_context& ctx)
    {
        auto& core = *core_;
        walk_options opts{core.settings->workers, &core.pace, true};
        auto listed = co_await walk_origin(*core.origin.vault, core.origin.mounts, 1, opts);
        if (!listed)
            co_return listed.error();
        double requests = static_cast<double>(listed->folders + listed->secrets);
        double needed = requests / core.settings->max_requests_per_second;
        double available = std::chrono::duration<double>(core.timeout).count();
        ctx.info("origin walk estimate", {{"requests", std::to_string(listed->folders + listed->secrets)},
                                          {"seconds", std::to_string(needed)}});
        if (needed > 0.9 * available)
            co_return make_error(errc::invalid_argument,
                                 "at max_requests_per_second " +
                                     std::to_string(core.settings->max_requests_per_second) +
                                     " the walk of " + std::to_string(listed->secrets) + " secrets in " +
                                     std::to_string(listed->folders) + " folders needs at least " +
                                     std::to_string(static_cast<long long>(needed + 0.5)) +
                                     " s, more than 90% of the cycle timeout (" +
                                     std::to_string(static_cast<long long>(available)) +
                                     " s): raise timeout or max_requests_per_second");
        co_return result<void>{};
    }

    remembered_save<consul_holdings> holdings_;  // what Consul holds under the prefix (unknown at start-up)
    std::optional<sync_info> published_;         // the last published insights (nullopt: none yet)
    std::vector<std::size_t> unknown_;           // buckets of published_ a torn save left unknown (emptied)
    publish_hold hold_;                          // the publish guard's last verdict
    approval_gate gate_;
    boost::json::object last_;
};

}  // namespace

runtime::body_result make_origin_body(const vk::job_config& jc, runtime::job_services& services)
{
    return runtime::body_of<origin_body, sync_core>(jc, services);
}

}  // namespace vk::sync
