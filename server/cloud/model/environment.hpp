// The environment variables a credential source reads, as the pure parts see them: a map the shell fills
// with exactly the names a source declares.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_ENVIRONMENT_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_ENVIRONMENT_HPP

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vk::cloud {

using env_map = std::map<std::string, std::string, std::less<>>;

// The variable's value; nullopt when it is unset or empty (the SDKs treat both alike).
std::optional<std::string> env_value(const env_map& env, std::string_view name);

}  // namespace vk::cloud

#endif
