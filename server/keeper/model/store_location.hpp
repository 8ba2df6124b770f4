// Where a shard store keeps its objects, as far as the config tells. Every store names its objects alike
// (keeper-state, set-N-shard-M), so two stores at one place overwrite each other's objects: within a job that
// puts `threshold` shards in one place, across jobs the second job's record replaces the first's.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_STORE_LOCATION_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_STORE_LOCATION_HPP

#include "keeper/model/settings.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper {

// Equal locations hold the same objects. Only what the config says is compared: no symlink is resolved and
// no file is read (a kubeconfig's server and namespace, a service account's namespace), so two stores that
// meet only through one of those are not told apart.
struct store_location
{
    std::string place;  // "dir /a/b", "api https://host:6443", "in-cluster", "kubeconfig /k.yaml context c"
    std::string ns;     // the namespace; "" for a file store, "(default ...)" when only known at run time
    bool operator==(const store_location&) const = default;
};

store_location location_of(const store_settings& s);

// "/a/./b/" and "/a//c/../b" -> "/a/b": `.`, `..`, repeated and trailing slashes, lexically.
std::string normal_directory(std::string_view path);

// "HTTPS://Host:443/" -> "https://host": scheme and host lowercased, the scheme's default port and trailing
// slashes dropped.
std::string normal_api_server(std::string_view url);

// The first of `others` at the location of `s`, or nullptr.
const store_settings* aliased_store(const store_settings& s, const std::vector<store_settings>& others);

// The key of `s` an aliasing problem is reported at ("path" or "namespace") and what it says, naming the
// other store and, when it is another job's (`other_job` not empty), that job.
std::string alias_key(const store_settings& s);
std::string alias_message(const store_settings& s, const store_settings& other, const std::string& other_job);

}  // namespace vk::keeper

#endif
