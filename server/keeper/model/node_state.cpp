// Node states and their names in status.
#include "keeper/model/node_state.hpp"

namespace vk::keeper {

std::string_view to_string(node_state s)
{
    switch (s)
    {
    case node_state::unknown: return "unknown";
    case node_state::unreachable: return "unreachable";
    case node_state::uninitialized: return "uninitialized";
    case node_state::sealed: return "sealed";
    case node_state::unsealed: return "unsealed";
    }
    return "unknown";
}

node_state node_state_of(bool initialized, bool sealed)
{
    if (!initialized)
        return node_state::uninitialized;
    return sealed ? node_state::sealed : node_state::unsealed;
}

}  // namespace vk::keeper
