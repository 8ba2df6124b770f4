// Node discovery: the nodes to unseal, from the raft configuration and ha-status.
#ifndef VAULTKEEPER_SERVER_KEEPER_NODE_DISCOVERY_HPP
#define VAULTKEEPER_SERVER_KEEPER_NODE_DISCOVERY_HPP

#include <boost/asio/awaitable.hpp>

#include "keeper/keeper_core.hpp"
#include "runtime/model/cycle.hpp"

namespace vk::keeper {

// Without `nodes` in the job: the nodes from the raft configuration (their API addresses from ha-status,
// remembered, or derived). Leaves the list as it was when Vault cannot say (sealed, no token): returns
// whether the list changed.
boost::asio::awaitable<bool> discover_nodes(keeper_core& core, runtime::cycle_context& ctx);

}  // namespace vk::keeper

#endif
