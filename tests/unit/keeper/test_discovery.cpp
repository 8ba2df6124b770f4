// Node discovery without sockets: raft peers (cluster addresses) paired with API addresses from ha-status,
// remembered, and derived for peers never seen unsealed.
#include "keeper/model/discovery.hpp"

#include <gtest/gtest.h>

using namespace vk::keeper;

namespace {
std::vector<std::string> apis(const vk::result<std::vector<discovered_node>>& r)
{
    std::vector<std::string> out;
    if (r)
        for (const auto& n : *r)
            out.push_back(n.api + (n.derived ? " (derived)" : ""));
    return out;
}
}  // namespace

TEST(keeper_discovery, without_pairs_vault_default_layout_and_the_configured_scheme)
{
    node_map m;
    auto r = m.resolve({"10.0.0.2:8201", "vault-1.vault-internal:8201"}, "https://vault.example:8200");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(apis(r), (std::vector<std::string>{"https://10.0.0.2:8200 (derived)",
                                                 "https://vault-1.vault-internal:8200 (derived)"}));
}

TEST(keeper_discovery, pairs_are_used_remembered_and_teach_the_layout_to_unseen_peers)
{
    node_map m;
    m.learn({{"https://127.0.0.1:9200", "http://127.0.0.1:8200"}});  // a cluster port 1000 above the API
    auto r = m.resolve({"127.0.0.1:9200", "127.0.0.1:9201", "127.0.0.1:9202"}, "http://127.0.0.1:8200");
    EXPECT_EQ(apis(r), (std::vector<std::string>{"http://127.0.0.1:8200", "http://127.0.0.1:8201 (derived)",
                                                 "http://127.0.0.1:8202 (derived)"}));
    m.learn({{"https://127.0.0.1:9202", "http://127.0.0.1:8202"}});
    m.learn({});  // a later cycle where only one node answers: what was seen stays known
    r = m.resolve({"127.0.0.1:9202"}, "");
    EXPECT_EQ(apis(r), (std::vector<std::string>{"http://127.0.0.1:8202"}));
}

TEST(keeper_discovery, ipv6_duplicates_and_malformed_input)
{
    node_map m;
    m.learn(
        {{"https://[fd00::2]:8201", "https://[fd00::2]:8200"}, {"garbage", "http://x:1"}, {"a:1", "nope"}});
    auto r = m.resolve({"[fd00::2]:8201", "[fd00::3]:8201", "[fd00::2]:8201"}, "");
    EXPECT_EQ(apis(r),
              (std::vector<std::string>{"https://[fd00::2]:8200", "https://[fd00::3]:8200 (derived)"}));
    for (std::string bad : {"no-port", "host:", "host:99999", "host:12ab", ":8201"})
    {
        auto e = m.resolve({bad}, "");
        ASSERT_FALSE(e) << bad;
        EXPECT_NE(e.error().message.find(bad), std::string::npos) << e.error().message;
    }
    node_map fresh;
    EXPECT_FALSE(fresh.resolve({"h:1"}, "http://v:8200"));  // port 0 cannot be derived
}
