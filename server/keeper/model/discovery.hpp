// Which Vault nodes to unseal when the job lists no `nodes`. The raft configuration names every peer, sealed
// ones included, but only by its cluster address (host:port); sys/ha-status pairs cluster and API addresses,
// for unsealed nodes only. So pairs seen once are remembered, and a peer never seen unsealed gets its API
// address by the rule the known pairs show (same host, the port shifted as theirs, their scheme), or else by
// Vault's default layout (API port = cluster port - 1, the scheme of the configured address).
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_DISCOVERY_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_DISCOVERY_HPP

#include "core/error.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper {

struct address_pair
{
    std::string cluster;  // as sys/ha-status says it: "https://10.0.0.3:8201"
    std::string api;      // "http://10.0.0.3:8200"
};

struct discovered_node
{
    std::string api;       // the address to unseal
    bool derived = false;  // by rule, not seen in sys/ha-status
};

// What discovery remembers across cycles.
class node_map
{
public:
    // Remembers the pairs (malformed ones are ignored: they teach nothing).
    void learn(const std::vector<address_pair>& pairs);
    // The API address of every raft peer ("host:port"), in raft order, without duplicates. A peer address
    // that is not host:port is an error naming it.
    result<std::vector<discovered_node>> resolve(const std::vector<std::string>& peers,
                                                 std::string_view configured_address) const;

private:
    struct rule
    {
        std::string scheme;
        int port_shift = 0;
    };
    std::map<std::string, std::string> api_by_cluster_;  // "host:port" -> API address
    std::optional<rule> rule_;
};

}  // namespace vk::keeper

#endif
