// The real inputs of a config: files read whole, getenv.
#include "core/config_inputs.hpp"

#include "core/read_file.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace vk {

const config_inputs& host_inputs()
{
    static const config_inputs host{
        [](const std::string& path) { return read_file(path); },
        [](const std::string& name) -> std::optional<std::string> {
            const char* v = std::getenv(name.c_str());
            if (!v)
                return std::nullopt;
            return std::string(v);
        },
        [](const std::string& path) {
            struct stat st
            {
            };
            return ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
        },
    };
    return host;
}

}  // namespace vk
