#include "cloud/environment.hpp"

#include <cstdlib>
#include <string>

namespace vk::cloud {

env_map read_environment(const std::vector<std::string_view>& names)
{
    env_map env;
    for (auto name : names)
        if (const char* v = std::getenv(std::string(name).c_str()))
            env.emplace(name, v);
    return env;
}

}  // namespace vk::cloud
