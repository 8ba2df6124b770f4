// HA coordinator: one lock coroutine per job (app/ha_backend.hpp), spawned with its own cancellation signal
// and awaited when the job goes away or at shutdown; lock callbacks switch the job between active and
// standby, and a lost lock waits for the job's cycle to end before the lock lets go.
#include "app/ha_coordinator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include "app/ha_entry.hpp"
#include "core/log.hpp"
#include "runtime/job_set.hpp"

namespace vk::app {
namespace asio = boost::asio;

namespace {

// What the locks depend on: the ha block and the consul or kubernetes entry it names, resolved (a rotated
// token file counts).
std::string identity_of(const vk::config& cfg)
{
    const auto& root = cfg.resolved.as_object();
    std::string id;
    if (const auto* ha = root.if_contains("ha"))
        id += boost::json::serialize(*ha);
    if (!cfg.ha)
        return id;
    for (const auto& [block, name] :
         {std::pair{"consuls", cfg.ha->consul}, std::pair{"kubernetes", cfg.ha->kubernetes}})
        if (const auto* b = root.if_contains(block); b && b->is_object() && !name.empty())
            if (const auto* entry = b->as_object().if_contains(name))
                id += boost::json::serialize(*entry);
    return id;
}

}  // namespace

ha_coordinator::ha_coordinator(asio::any_io_executor ex, runtime::job_set& jobs)
    : ex_(std::move(ex)),
      jobs_(jobs)
{
}

ha_coordinator::~ha_coordinator()
{
    for (auto& [name, e] : locks_)
        cancel(*e);
}

void ha_coordinator::cancel(entry& e)
{
    if (e.finished || e.cancelled)
        return;
    e.cancelled = true;
    e.cancel.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> ha_coordinator::apply(const vk::config& cfg)
{
    std::string identity = cfg.ha ? identity_of(cfg) : std::string();
    if (!cfg.ha || identity != identity_)
    {
        co_await stop_all();
        backend_.reset();
        ha_ = cfg.ha;
        identity_ = identity;
        if (!cfg.ha)
            co_return;
        replica_id_ = cfg.ha->replica_id;
        auto b = make_ha_backend(ex_, cfg);
        if (!b)
        {
            log::error("HA: cannot build the client of the locks; jobs stay in standby",
                       {{"error", b.error().describe()}});
            co_return;
        }
        backend_ = std::move(*b);
        log::info("HA enabled", {{"replica", replica_id_},
                                 {"locks", backend_->where()},
                                 {"balance", ha_->balance ? "on" : "off"}});
        if (ha_->balance)
            start_balancing();
    }
    if (!backend_)
        co_return;
    std::vector<std::string> gone;
    for (const auto& [name, e] : locks_)
        if (!jobs_.find(name))
            gone.push_back(name);
    for (const auto& name : gone)
        co_await stop(name);
    for (auto* j : jobs_.all())
    {
        auto it = locks_.find(j->name());
        if (it == locks_.end())
            start(j->name());
        else if (it->second->lk->held() && !it->second->handing_back)
            j->set_active(true);  // the job was recreated by a reload while we kept its lock
    }
}

std::shared_ptr<ha_coordinator::entry> ha_coordinator::spawn(std::unique_ptr<ha_lock> lock,
                                                             std::function<void()> on_acquired,
                                                             std::function<asio::awaitable<void>()> on_lost,
                                                             std::string what)
{
    auto e = std::make_shared<entry>(ex_, std::move(lock));
    // The completion handler (not the coordinator) keeps the entry alive until the lock coroutine returned.
    auto done = [e, what = std::move(what)](std::exception_ptr ex) {
        if (ex)
        {
            try
            {
                std::rethrow_exception(ex);
            }
            catch (const std::exception& err)
            {
                log::error("HA lock ended with an exception", {{"lock", what}, {"error", err.what()}});
            }
        }
        e->finished = true;
        e->finished_event.cancel();
    };
    asio::co_spawn(ex_, e->lk->run(std::move(on_acquired), std::move(on_lost)),
                   asio::bind_cancellation_slot(e->cancel.slot(), done));
    return e;
}

void ha_coordinator::start(const std::string& job)
{
    std::function<bool()> gate;
    if (ha_->balance)
        gate = [this, job] { return may_take(job); };
    auto on_acquired = [this, job] {
        if (gate_)
            gate_->held(job);
        set_active(job, true);
    };
    auto on_lost = [this, job] { return deactivate(job); };
    locks_[job] = spawn(backend_->lock_for(job, std::move(gate)), on_acquired, on_lost, job);
}

asio::awaitable<void> ha_coordinator::stop(const std::string& job)
{
    auto it = locks_.find(job);
    if (it == locks_.end())
        co_return;
    auto e = it->second;
    co_await deactivate(job);
    cancel(*e);
    co_await until_finished(e);
    if (auto now = locks_.find(job); now != locks_.end() && now->second == e)
        locks_.erase(now);
}

asio::awaitable<void> ha_coordinator::until_finished(std::shared_ptr<entry> e)
{
    while (!e->finished)
        co_await e->finished_event.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> ha_coordinator::stop_all()
{
    co_await stop_balancing();
    std::vector<std::shared_ptr<entry>> all;
    std::vector<std::string> names;
    for (auto& [name, e] : locks_)
    {
        names.push_back(name);
        all.push_back(e);
        set_active(name, false);
    }
    for (const auto& name : names)
        co_await deactivate(name);
    // Then release them side by side.
    for (auto& e : all)
        cancel(*e);
    for (auto& e : all)
        co_await until_finished(e);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (auto it = locks_.find(names[i]); it != locks_.end() && it->second == all[i])
            locks_.erase(it);
    // The announcement goes last: until then our jobs still count as ours.
    if (auto m = std::exchange(member_, nullptr))
    {
        cancel(*m);
        co_await until_finished(m);
    }
    members_.reset();
    gate_.reset();
}

std::optional<vk::ha_replicas_view> ha_coordinator::replicas() const
{
    if (!ha_)
        return std::nullopt;
    vk::ha_replicas_view v{replica_id_, backend_ ? backend_->where() : std::string(), ha_->balance,
                           locks_.size(), std::nullopt};
    if (members_)
        v.replicas = held_counts(balance_now());
    return v;
}

std::optional<vk::lock_view> ha_coordinator::view(const std::string& job) const
{
    if (!ha_)
        return std::nullopt;
    auto it = locks_.find(job);
    return it == locks_.end() ? vk::lock_view{} : it->second->lk->view();
}

asio::awaitable<void> ha_coordinator::deactivate(std::string job)
{
    set_active(job, false);
    if (auto* j = jobs_.find(job))
        co_await j->cycle_finished();
}

void ha_coordinator::set_active(const std::string& job, bool active)
{
    // Looked up by name each time: the job may have been recreated (reload) or stopped (shutdown).
    if (auto* j = jobs_.find(job))
        j->set_active(active);
}

}  // namespace vk::app
