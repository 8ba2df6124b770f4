#include "cloud/model/environment.hpp"

namespace vk::cloud {

std::optional<std::string> env_value(const env_map& env, std::string_view name)
{
    auto it = env.find(name);
    if (it == env.end() || it->second.empty())
        return std::nullopt;
    return it->second;
}

}  // namespace vk::cloud
