// The shell of node discovery: read the raft configuration and ha-status through the job's vault, let the
// node map pair them, and make the result the node list.
#include "keeper/node_discovery.hpp"

#include "vault/raft.hpp"

namespace vk::keeper {
namespace asio = boost::asio;

namespace {

// Warns once per distinct reason: a token missing for hours is one warning, not one per cycle.
void note(keeper_core& core, runtime::cycle_context& ctx, const error& e)
{
    auto why = e.describe();
    if (why == core.discovery_note)
        return;
    core.discovery_note = why;
    auto w = e;
    w.message = "nodes not discovered (unsealing the nodes known so far): " + e.message +
                "; give the vault a token that reads sys/storage/raft/configuration and sys/ha-status, or "
                "list `nodes`";
    ctx.warning(w);
}

}  // namespace

asio::awaitable<bool> discover_nodes(keeper_core& core, runtime::cycle_context& ctx)
{
    if (!core.settings->nodes.empty())
        co_return false;
    auto raft = co_await vault::raft_config(*core.vault);
    if (!raft)
    {
        note(core, ctx, raft.error());
        co_return false;
    }
    // Optional: without it, peers get their addresses by rule.
    if (auto ha = co_await vault::ha_status(*core.vault))
    {
        std::vector<address_pair> pairs;
        for (const auto& n : *ha)
            pairs.push_back({n.cluster_address, n.api_address});
        core.discovered.learn(pairs);
    }
    std::vector<std::string> peers;
    for (const auto& s : raft->servers)
        peers.push_back(s.address);
    auto resolved = core.discovered.resolve(peers, core.vault->endpoint());
    if (!resolved || resolved->empty())
    {
        note(core, ctx,
             resolved ? make_error(errc::bad_response, "the raft configuration lists no peer")
                      : resolved.error());
        co_return false;
    }
    core.discovery_note.clear();
    std::vector<std::string> addresses;
    for (const auto& n : *resolved)
        addresses.push_back(n.api);
    if (addresses.size() == core.nodes.size() &&
        std::equal(addresses.begin(), addresses.end(), core.nodes.begin(),
                   [](const std::string& a, const node_client& n) { return a == n.address; }))
        co_return false;
    ctx.info("Vault nodes discovered", {{"nodes", std::to_string(addresses.size())}});
    if (auto e = core.set_nodes(addresses))
        note(core, ctx, *e);
    co_return true;
}

}  // namespace vk::keeper
