// The snapshot job body: one cycle = find the node, take and verify one snapshot, upload it everywhere,
// apply each storage's retention.
#include "snapshot/snapshot_job.hpp"

#include "snapshot/model/naming.hpp"
#include "snapshot/model/retention.hpp"
#include "snapshot/model/storage_settings.hpp"
#include "snapshot/publish_file.hpp"
#include "snapshot/snapshot_actions.hpp"
#include "snapshot/snapshot_core.hpp"
#include "snapshot/snapshot_metrics.hpp"
#include "snapshot/take.hpp"
#include "vault/sys.hpp"

#include <filesystem>

namespace vk::snapshot {
namespace asio = boost::asio;

namespace {

error at_storage(error e, const std::string& storage)
{
    e.message = "storage \"" + storage + "\": " + e.message;
    return e;
}

double unix_seconds(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

boost::json::object json_of(const cycle_status& l)
{
    boost::json::object outcomes;
    for (const auto& [k, v] : l.storages)
        outcomes[k] = v;
    return {
        {"node", l.node},     {"skipped", l.skipped}, {"name", l.name}, {"size", l.size},
        {"sha256", l.sha256}, {"index", l.index},     {"term", l.term}, {"storages", std::move(outcomes)}};
}

class snapshot_body final : public runtime::job_body
{
public:
    explicit snapshot_body(std::shared_ptr<snapshot_core> core)
        : core_(std::move(core))
    {
    }

    asio::awaitable<result<void>> start(runtime::cycle_context& ctx) override
    {
        co_await core_->clean_spool();
        // A storage that cannot be made ready fails at each upload, the others carry on: not fatal.
        for (const auto& st : core_->storages)
            if (auto ready = st->prepare(); !ready)
                ctx.alert(at_storage(ready.error(), st->name()));
        auto token = co_await core_->vault->start();
        if (!token)
            co_return token.error();
        co_return result<void>{};
    }

    asio::awaitable<void> background(const std::function<void()>& request_cycle) override
    {
        auto core = core_;
        co_await core->vault->run_renewal();
    }

    asio::awaitable<void> run_cycle(runtime::cycle_context& ctx) override;
    boost::json::object status() const override;
    runtime::action_table actions() override { return snapshot_actions(core_); }

private:
    asio::awaitable<bool> upload_everywhere(runtime::cycle_context& ctx, const taken_snapshot& snap,
                                            const std::string& name);
    asio::awaitable<void> apply_retention(runtime::cycle_context& ctx, snapshot_storage& st,
                                          const storage_settings& cfg);

    std::shared_ptr<snapshot_core> core_;
};

asio::awaitable<void> snapshot_body::run_cycle(runtime::cycle_context& ctx)
{
    auto core = core_;
    const auto& s = *core->settings;
    cycle_status status;
    auto node = co_await core->snapshot_node(s.mode);
    if (!node)
        co_return ctx.error(node.error());
    if (!*node)
    {
        // per-node mode on a standby: nothing to do here, and that is a success.
        ctx.info("not the active node: snapshot skipped");
        ctx.count("skipped");
        status.skipped = true;
        core->last = status;
        co_return;
    }
    status.node = (*node)->endpoint();
    // Unique at any rate of cycles: a name never repeats one this job gave before.
    const auto taken_at =
        next_name_time(s.name_format.style, std::chrono::system_clock::now(), core->last_name_time);
    core->last_name_time = taken_at;
    const auto name = snapshot_name(s.name_format, taken_at);
    const auto started = std::chrono::steady_clock::now();
    auto snap = co_await take_snapshot(**node, s, core->spool(), name);
    if (!snap)
        co_return ctx.error(snap.error());
    ctx.count("download_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count());
    // Removes the spooled file whatever happens next (error, cancellation); at the end, waited for.
    remove_on_exit cleanup{snap->file.path};
    // A step-down while the snapshot streamed: the node that served it is no longer active.
    if (auto still = co_await vault::sys_leader(**node); !still || !still->is_self)
        co_return ctx.error(
            make_error(errc::standby,
                       "the active node stepped down during the snapshot; the next cycle takes "
                       "it from the new active node",
                       status.node));
    ctx.count("bytes", static_cast<std::int64_t>(snap->file.size));
    status.name = name;
    status.size = snap->file.size;
    status.sha256 = snap->file.sha256;
    status.index = snap->archive.index;
    status.term = snap->archive.term;
    core->last = status;
    const bool all_ok = co_await upload_everywhere(ctx, *snap, name);
    core->gauge(metric::size, static_cast<double>(snap->file.size));
    if (all_ok)
        core->gauge(metric::last_success, unix_seconds(std::chrono::system_clock::now()));
    co_await cleanup.remove_now();  // the cycle ends with an empty spool
}

asio::awaitable<bool> snapshot_body::upload_everywhere(runtime::cycle_context& ctx,
                                                       const taken_snapshot& snap, const std::string& name)
{
    auto core = core_;
    bool all_ok = true;
    for (std::size_t i = 0; i < core->storages.size(); ++i)
    {
        // One storage's failure never stops the others.
        auto& st = *core->storages[i];
        auto up = co_await st.upload(snap.file.path, name, snap.file.sha256);
        core->count(metric::uploads, st.name(), up ? "ok" : "failed");
        if (core->last)
            core->last->storages[st.name()] = up ? "ok" : "failed: " + up.error().describe();
        if (!up)
        {
            all_ok = false;
            ctx.error(at_storage(up.error(), st.name()));
            continue;
        }
        ctx.count("uploads");
        co_await apply_retention(ctx, st, core->settings->storages[i]);
    }
    co_return all_ok;
}

asio::awaitable<void> snapshot_body::apply_retention(runtime::cycle_context& ctx, snapshot_storage& st,
                                                     const storage_settings& cfg)
{
    auto core = core_;
    auto listed = co_await st.list();
    if (!listed)
        co_return ctx.error(at_storage(listed.error(), st.name()));
    std::vector<std::string> names;
    for (const auto& o : *listed)
        names.push_back(o.name);
    const auto plan =
        plan_retention(names, core->settings->name_format, cfg.retention, std::chrono::system_clock::now());
    std::size_t kept = plan.keep.size();
    for (const auto& n : plan.remove)
    {
        auto r = co_await st.remove(n);
        if (!r)
        {
            ++kept;
            ctx.error(at_storage(r.error(), st.name()));
            continue;
        }
        ctx.count("deleted");
        core->count(metric::deleted, st.name(), "");
    }
    core->gauge(metric::retained, static_cast<double>(kept), st.name());
    auto orphans = co_await st.remove_orphans(core->settings->name_format);
    if (!orphans)
        co_return ctx.error(at_storage(orphans.error(), st.name()));
    for (const auto& o : *orphans)
    {
        ctx.info("removed a sidecar left without its snapshot", {{"storage", st.name()}, {"file", o}});
        ctx.count("orphans_removed");
    }
}

boost::json::object snapshot_body::status() const
{
    boost::json::object o{{"vault", core_->settings->vault},
                          {"mode", core_->settings->mode == take_mode::leader ? "leader" : "per-node"},
                          {"encrypted", core_->settings->encrypt_for_cert_file.has_value()},
                          {"decrypt_with", core_->settings->decrypt_with.has_value()},
                          {"allow_restore", core_->settings->allow_restore}};
    boost::json::array storages;
    for (const auto& st : core_->settings->storages)
        storages.push_back(boost::json::object{
            {"name", st.name},
            {"type", type_name(st.spec)},
            {"retain", st.retention.retain},
            {"max_age", st.retention.max_age ? boost::json::value(format_duration(*st.retention.max_age))
                                             : boost::json::value(nullptr)}});
    o["storages"] = std::move(storages);
    if (!core_->last)
        return o;
    o["last"] = json_of(*core_->last);
    return o;
}

}  // namespace

runtime::body_result make_snapshot_body(const vk::job_config& jc, runtime::job_services& services)
{
    return runtime::body_of<snapshot_body, snapshot_core>(jc, services);
}

}  // namespace vk::snapshot
