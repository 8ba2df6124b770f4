// Reads the named variables from this process's environment into the map the pure parts take.
#ifndef VAULTKEEPER_SERVER_CLOUD_ENVIRONMENT_HPP
#define VAULTKEEPER_SERVER_CLOUD_ENVIRONMENT_HPP

#include "cloud/model/environment.hpp"

#include <string_view>
#include <vector>

namespace vk::cloud {

env_map read_environment(const std::vector<std::string_view>& names);

}  // namespace vk::cloud

#endif
