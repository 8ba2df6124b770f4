// Looking at and unsealing every node of the job.
#ifndef VAULTKEEPER_SERVER_KEEPER_UNSEAL_HPP
#define VAULTKEEPER_SERVER_KEEPER_UNSEAL_HPP

#include <boost/asio/awaitable.hpp>

#include "keeper/keeper_core.hpp"
#include "runtime/model/cycle.hpp"

namespace vk::keeper {

// Reads every node's seal status (nothing else), so that a job stopped at start-up still shows them.
boost::asio::awaitable<void> observe_nodes(keeper_core& core);

// Unseals every sealed node concurrently (one coroutine per node, under the cycle's deadline), trying the
// held shard sets in unseal_order; a wrong key resets the node's progress and moves to the next set.
boost::asio::awaitable<void> unseal_nodes(keeper_core& core, runtime::cycle_context& ctx);

}  // namespace vk::keeper

#endif
