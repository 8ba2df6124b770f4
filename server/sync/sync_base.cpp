// Renewal and start-up checks shared by both sync roles' bodies.
#include "sync/sync_base.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "sync/model/kv_v1.hpp"
#include "sync/startup_checks.hpp"

namespace vk::sync {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

sync_base::sync_base(std::shared_ptr<sync_core> core)
    : core_(std::move(core))
{
}

asio::awaitable<void> sync_base::background(const std::function<void()>& request_cycle)
{
    auto core = core_;
    if (core->destination.vault)
        co_await (core->origin.vault->run_renewal() && core->destination.vault->run_renewal());
    else
        co_await core->origin.vault->run_renewal();
}

asio::awaitable<result<void>> sync_base::start_side(side_clients& side,
                                                    const std::vector<std::string>& mounts)
{
    auto token = co_await side.vault->start();
    if (!token)
        co_return token.error();
    auto found = co_await check_mounts(*side.vault, mounts);
    if (!found)
        co_return found.error();
    side.mounts = std::move(*found);
    // Only the origin's mounts produce insights; a KV v1 one needs the key (both roles hash its content).
    if (&side == &core_->origin)
        if (auto k = require_insight_key(side.mounts, core_->settings->kv_v1_insight_key.has_value()); !k)
            co_return k.error();
    co_return result<void>{};
}

boost::json::value held_plan_json(const approval_gate& gate)
{
    return gate.held_plan().empty() ? boost::json::value(nullptr) : boost::json::value(gate.held_plan());
}

boost::json::value approved_plan_json(const approval_gate& gate)
{
    const auto& a = gate.approval_given();
    return a ? boost::json::value(a->plan) : boost::json::value(nullptr);
}

}  // namespace vk::sync
