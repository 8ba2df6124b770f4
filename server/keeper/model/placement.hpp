// Where the shards of a set go: spread over the stores so that no single store ever holds `threshold`
// shards (whoever reads one store cannot unseal), and the rules a configured placement must keep (checked by
// --check-config and at start-up, so an operator learns of a fragile layout before a store is lost).
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

// Who holds one share of a set, in Vault's key order (Vault encrypts keys[i] to pgp_keys[i]).
struct share_holder
{
    enum class kind
    {
        store,
        custodian,
    };
    kind holder = kind::store;
    std::string name;

    bool operator==(const share_holder&) const = default;
};

// The stores' shares first (place_shards over shares - custodians), then one per custodian in config
// order. invalid_argument as place_shards, or when the custodians leave the stores no share.
result<std::vector<share_holder>> place_with_custodians(int shares, int threshold,
                                                        const std::vector<std::string>& stores,
                                                        const std::vector<std::string>& custodians);

// What the placement rules read. Each custodian holds one share, taken out of the stores' pool: the stores
// share `shares - custodians` round-robin.
struct placement_counts
{
    int shares = 0;
    int threshold = 0;
    int stores = 0;
    int custodians = 0;
    bool custodians_can_recover = false;
};

// Where a broken rule is reported in the job's config (settings.cpp turns it into a JSON pointer).
enum class placement_key
{
    stores,       // /jobs/<i>/stores
    custodians,   // /jobs/<i>/custodians
    custodian,    // /jobs/<i>/custodians/<index>
    can_recover,  // /jobs/<i>/custodians_can_recover
};

struct placement_problem
{
    placement_key key;
    int index = -1;       // the custodian, for placement_key::custodian
    std::string message;  // names the counts and what to change, never a key
};

// The rules: no store and no custodian holds `threshold` shares; the stores minus any one still hold
// `threshold` (automatic unseal and the rekey's verification survive one lost store); with
// custodians_can_recover, the custodians together hold `threshold`. Empty when every rule holds (and when
// the counts themselves are bad: their own checks report those).
std::vector<placement_problem> check_placement(const placement_counts& c);

}  // namespace vk::keeper

#endif
