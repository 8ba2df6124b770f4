// Origin cycle: a fresh sync info from a full walk, saved only when the walk read every path; only changed
// buckets are written, the index last.
#include "sync/origin_job.hpp"
#include "sync/sync_metrics.hpp"

#include <boost/json/object.hpp>

#include <chrono>

#include "sync/model/capacity.hpp"
#include "sync/consul_store.hpp"
#include "sync/startup_checks.hpp"

namespace vk::sync {
namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

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
        auto published = co_await load_index(*core.origin.consul, s.origin_prefix());
        if (!published)
            co_return published.error();
        published_ = std::move(published->hashes);
        if (!core.pace.unlimited())
            co_return co_await check_pace(ctx);
        co_return result<void>{};
    }

    asio::awaitable<void> run_cycle(runtime::cycle_context& ctx) override
    {
        auto core = core_;
        const auto& s = *core->settings;
        auto began = steady::now();
        walk_options opts{s.workers, core->pace.unlimited() ? nullptr : &core->pace, false};
        opts.insight_key = s.kv_v1_insight_key ? &*s.kv_v1_insight_key : nullptr;
        auto walked = co_await walk_origin(*core->origin.vault, core->origin.mounts, s.buckets, opts);
        if (!walked)
            co_return ctx.error(walked.error());
        auto& info = *walked->info;
        info.reindex();
        ctx.count("secrets", static_cast<std::int64_t>(info.size()));
        ctx.count("skipped", static_cast<std::int64_t>(walked->skipped));
        ctx.count("vault_requests", static_cast<std::int64_t>(walked->requests));
        if (auto cap = check_capacity(info); !cap)
            co_return ctx.error(cap.error());
        auto written = co_await save_info(*core->origin.consul, s.origin_prefix(), published_, info);
        if (!written)
            co_return ctx.error(written.error());
        published_ = info.index();
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
            {"walk_seconds", std::chrono::duration<double>(steady::now() - began).count()},
        };
    }

    boost::json::object status() const override
    {
        return {{"role", "origin"}, {"sync_prefix", core_->settings->origin_prefix()}, {"last_cycle", last_}};
    }

private:
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
                                 "at max_requests_per_second " + std::to_string(core.settings->max_requests_per_second) +
                                     " the walk of " + std::to_string(listed->secrets) + " secrets in " +
                                     std::to_string(listed->folders) + " folders needs at least " +
                                     std::to_string(static_cast<long long>(needed + 0.5)) +
                                     " s, more than 90% of the cycle timeout (" +
                                     std::to_string(static_cast<long long>(available)) +
                                     " s): raise timeout or max_requests_per_second");
        co_return result<void>{};
    }

    std::vector<std::string> published_;  // the index in Consul, as last read or written
    boost::json::object last_;
};

}  // namespace

std::unique_ptr<runtime::job_body> make_origin_body(const vk::job_config& jc, runtime::job_services& services)
{
    return std::make_unique<origin_body>(jc, services);
}

}  // namespace vk::sync
