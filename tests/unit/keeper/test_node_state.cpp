// keeper/model/node_state: what a seal status makes of a node, and the names status shows.
#include "keeper/model/node_state.hpp"

#include <gtest/gtest.h>

using namespace vk::keeper;

TEST(keeper_node_state, seal_status_to_state)
{
    EXPECT_EQ(node_state_of(false, true), node_state::uninitialized);  // uninitialized wins over sealed
    EXPECT_EQ(node_state_of(true, true), node_state::sealed);
    EXPECT_EQ(node_state_of(true, false), node_state::unsealed);
}

TEST(keeper_node_state, names_in_status)
{
    EXPECT_EQ(to_string(node_state::unknown), "unknown");
    EXPECT_EQ(to_string(node_state::unreachable), "unreachable");
    EXPECT_EQ(to_string(node_state::uninitialized), "uninitialized");
    EXPECT_EQ(to_string(node_state::sealed), "sealed");
    EXPECT_EQ(to_string(node_state::unsealed), "unsealed");
}
