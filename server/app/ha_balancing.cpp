// HA balancing, the coordinator's side: the member lock that announces this replica, the loop that lists the
// live replicas every balance period and hands back this replica's excess (between cycles, never during
// one), and the gate each job's lock asks before taking a free job. The rules are app/model/balance.hpp's.
#include "app/ha_coordinator.hpp"
#include "app/ha_entry.hpp"

#include "core/log.hpp"
#include "runtime/job_set.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vk::app {
namespace asio = boost::asio;

struct ha_coordinator::balancer
{
    explicit balancer(asio::any_io_executor ex)
        : wake(ex),
          finished_event(ex, asio::steady_timer::time_point::max())
    {
    }
    bool stopping = false;
    bool finished = false;
    bool listing_failed = false;  // logged once per failing spell
    asio::steady_timer wake;      // the sleep between rounds, cut short by stop_balancing()
    asio::steady_timer finished_event;
};

balance_view ha_coordinator::balance_now() const
{
    balance_view v{replica_id_, members_, {}};
    for (const auto& [job, e] : locks_)
        v.holders[job] = e->lk->view().holder;
    return v;
}

bool ha_coordinator::may_take(const std::string& job)
{
    if (!gate_)
        return true;
    return gate_->allow(job, least_loaded(balance_now()), std::chrono::steady_clock::now());
}

void ha_coordinator::start_balancing()
{
    gate_ = std::make_unique<take_gate>(backend_->take_grace());
    member_ = spawn(
        backend_->member_lock(), [] {}, []() -> asio::awaitable<void> { co_return; }, "member");
    balancer_ = std::make_shared<balancer>(ex_);
    asio::co_spawn(ex_, balance_loop(balancer_), asio::detached);
}

asio::awaitable<void> ha_coordinator::stop_balancing()
{
    auto b = std::exchange(balancer_, nullptr);
    if (!b)
        co_return;
    b->stopping = true;
    b->wake.cancel();
    while (!b->finished)
        co_await b->finished_event.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> ha_coordinator::balance_loop(std::shared_ptr<balancer> b)
{
    try
    {
        while (!b->stopping)
        {
            auto listed = co_await backend_->members();
            if (b->stopping)
                break;
            if (listed)
            {
                members_ = std::move(*listed);
                b->listing_failed = false;
                co_await rebalance();
            }
            else
            {
                members_.reset();  // unknown: no hand-backs; free jobs wait out the grace
                if (!std::exchange(b->listing_failed, true))
                    log::warn("HA: cannot list the replicas; jobs are not balanced meanwhile",
                              {{"error", listed.error().describe()}});
            }
            if (b->stopping)
                break;
            b->wake.expires_after(backend_->balance_period());
            co_await b->wake.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }
    catch (const std::exception& e)
    {
        log::error("HA balancing stopped by an exception", {{"error", e.what()}});
    }
    b->finished = true;
    b->finished_event.cancel();
}

asio::awaitable<void> ha_coordinator::rebalance()
{
    auto view = balance_now();
    for (const auto& [job, holder] : view.holders)
        if (!holder.empty())
            gate_->held(job);
    const auto n = excess(view);
    if (n == 0)
        co_return;
    std::map<std::string, bool> held_running;
    for (const auto& [job, e] : locks_)
        if (auto* j = jobs_.find(job); j && e->lk->held() && !e->handing_back)
            held_running[job] = j->current() != nullptr;
    for (const auto& job : pick_releases(held_running, n))
        co_await hand_back(job);
}

asio::awaitable<void> ha_coordinator::hand_back(std::string job)
{
    auto it = locks_.find(job);
    auto* j = jobs_.find(job);
    // Looked at again: a cycle may have started, or the lock gone, since the plan.
    if (it == locks_.end() || !it->second->lk->held() || !j || j->current())
        co_return;
    log::info("HA: handing a job back to balance the replicas", {{"job", job}, {"replica", replica_id_}});
    it->second->handing_back = true;
    co_await stop(job);  // standby (no cycle runs, so none is cut), then the lock released
    if (balancer_ && jobs_.find(job) && !locks_.contains(job))
        start(job);  // back in line, behind the least loaded replicas
}

}  // namespace vk::app
