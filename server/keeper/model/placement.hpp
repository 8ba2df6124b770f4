// Where the shards of a set go: spread over the stores so that no single store ever holds `threshold`
// shards (whoever reads one store cannot unseal), and which stores a set needs to be read back.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_PLACEMENT_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_PLACEMENT_HPP

#include "core/error.hpp"

#include <string>
#include <vector>

namespace vk::keeper {

// The store name of each shard (index i -> store), round-robin, so each store holds ceil(shares/stores) at
// most. invalid_argument (naming the counts, never a key) when that is >= threshold or the counts are bad.
result<std::vector<std::string>> place_shards(int shares, int threshold,
                                              const std::vector<std::string>& stores);

// The largest number of shards one store would hold.
int max_shards_per_store(int shares, int stores) noexcept;

}  // namespace vk::keeper

#endif
