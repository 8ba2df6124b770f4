// A Vault node's state as the keeper last saw it (status and the sealed count read it), from its seal status.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_NODE_STATE_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_NODE_STATE_HPP

#include <string_view>

namespace vk::keeper {

enum class node_state
{
    unknown,        // not looked at yet
    unreachable,    // its seal status did not answer
    uninitialized,  // a new node: joins the raft cluster once the cluster holds a shard set
    sealed,
    unsealed,
};

std::string_view to_string(node_state s);
// What sys/seal-status says of a node.
node_state node_state_of(bool initialized, bool sealed);

}  // namespace vk::keeper

#endif
