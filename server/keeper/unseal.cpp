// Unseal of every node: the shard sets are read once per cycle, then each sealed node gets its own
// coroutine that tries the sets in order until one unseals it.
#include "keeper/unseal.hpp"

#include "keeper/model/threshold_feed.hpp"
#include "runtime/workers.hpp"
#include "vault/raft.hpp"
#include "vault/sys.hpp"

#include <boost/asio/this_coro.hpp>

namespace vk::keeper {
namespace asio = boost::asio;

namespace {

struct loaded_set
{
    shard_set set;
    std::map<int, secret> shards;
};

// Gives `s` to the node a shard at a time from a fresh unseal: complete (unsealed), wrong_key, or failed
// (with the node's detail saying why).
asio::awaitable<shard_outcome> try_set(node_client& node, const loaded_set& s)
{
    if (auto r = co_await vault::sys_unseal_reset(*node.client); !r)
    {
        node.detail = r.error().describe();
        co_return shard_outcome::failed;
    }
    threshold_feed feed{s.set.threshold};
    for (const auto& [index, key] : s.shards)
    {
        if (!wants_shard(feed))
            break;
        auto r = co_await vault::sys_unseal(*node.client, key);
        auto answer = after_shard(feed, failure_of(r), r && !r->sealed);
        feed = answer.feed;
        if (!r)
            node.detail = r.error().describe();
        if (answer.outcome != shard_outcome::more)
            co_return answer.outcome;
    }
    node.detail = "still sealed after " + std::to_string(s.set.threshold) + " shards of " + s.set.id;
    co_return shard_outcome::failed;
}

// A node with empty storage (a replaced pod) beside a cluster whose keys we hold: join it to the leader;
// the unseal that follows completes the join. Never done while the cluster itself is not initialised.
asio::awaitable<bool> join_cluster(keeper_core& core, node_client& node, runtime::cycle_context& ctx)
{
    auto leader = co_await vault::sys_leader(*core.vault);
    if (!leader || leader->leader_address.empty() || leader->leader_address == node.address)
    {
        node.detail = "not initialised, and no unsealed leader to join";
        co_return false;
    }
    if (auto j = co_await vault::raft_join(*node.client, leader->leader_address, core.leader_ca); !j)
    {
        node.detail = j.error().describe();
        ctx.warning(make_error(errc::unavailable, "joining the raft cluster failed: " + j.error().message,
                               node.address));
        co_return false;
    }
    ctx.info("node with empty storage joined the raft cluster",
             {{"node", node.address}, {"leader", leader->leader_address}});
    co_return true;
}

// The node's seal status, kept as its state; nullopt when it does not answer.
asio::awaitable<std::optional<vault::seal_status>> look_at(node_client& node)
{
    auto st = co_await vault::sys_seal_status(*node.client);
    if (!st)
    {
        node.state = node_state::unreachable;
        node.detail = st.error().describe();
        co_return std::nullopt;
    }
    auto was = node.state;
    node.state = node_state_of(st->initialized, st->sealed);
    if (node.state != was)
        node.detail.clear();  // what was said of the former state no longer holds
    co_return *st;
}

asio::awaitable<void> observe_node(node_client& node)
{
    (void)co_await look_at(node);
}

asio::awaitable<void> unseal_node(keeper_core& core, node_client& node, const std::vector<loaded_set>& sets,
                                  runtime::cycle_context& ctx)
{
    auto st = co_await look_at(node);
    if (!st)
        co_return;
    if (!st->initialized)
    {
        if (!core.record.current)  // the cluster's own init is the procedure's work
            co_return;
        const bool joined = co_await join_cluster(core, node, ctx);
        if (!joined)
            co_return;
        st->sealed = true;
    }
    if (!st->sealed)
        co_return;
    node.state = node_state::sealed;  // also a node just joined
    for (const auto& s : sets)
    {
        if (!threshold_readable(s.set, s.shards.size()))
            continue;
        auto o = co_await try_set(node, s);
        core.count_unseal(unseal_label(o));
        if (o == shard_outcome::complete)
        {
            node.state = node_state::unsealed;
            node.detail = "unsealed with " + s.set.id;
            core.last_good = s.set.id;
            ctx.info("node unsealed", {{"node", node.address}, {"set", s.set.id}});
            co_return;
        }
        if (!try_next_set(o))
            break;
    }
    ctx.warning(make_error(errc::sealed, "node stays sealed: " + node.detail, node.address));
}

}  // namespace

asio::awaitable<void> observe_nodes(keeper_core& core)
{
    const std::function<asio::awaitable<void>(std::size_t)> one = [&](std::size_t i) {
        return observe_node(core.nodes[i]);
    };
    co_await runtime::for_each_bounded(core.nodes.size(), core.nodes.size(), one);
}

asio::awaitable<void> unseal_nodes(keeper_core& core, runtime::cycle_context& ctx)
{
    std::vector<loaded_set> sets;
    for (auto& s : unseal_order(core.record, core.last_good))
    {
        auto shards = co_await core.stores.read_set(s);
        sets.push_back({std::move(s), std::move(shards)});
    }
    const std::function<asio::awaitable<void>(std::size_t)> one = [&](std::size_t i) {
        return unseal_node(core, core.nodes[i], sets, ctx);
    };
    co_await runtime::for_each_bounded(core.nodes.size(), core.nodes.size(), one);
}

}  // namespace vk::keeper
