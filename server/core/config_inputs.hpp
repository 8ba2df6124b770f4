// What a config may refer to outside its own text: the files it names (secrets in files, template sources,
// an agent's config file) and environment variables. Parsing stays pure: these are handed in. The daemon
// passes host_inputs() (the disk and the process environment); tests pass a table.
#ifndef VAULTKEEPER_SERVER_CORE_CONFIG_INPUTS_HPP
#define VAULTKEEPER_SERVER_CORE_CONFIG_INPUTS_HPP

#include <functional>
#include <optional>
#include <string>

namespace vk {

struct config_inputs
{
    // A file's whole content, or nothing when it cannot be read.
    std::function<std::optional<std::string>(const std::string& path)> file;
    // An environment variable's value, or nothing when it is not set.
    std::function<std::optional<std::string>(const std::string& name)> env;
    // Whether a file is open to its group or others (a secret file should be 0600); false when unknown.
    std::function<bool(const std::string& path)> shared = [](const std::string&) { return false; };
};

// The disk and the process environment.
const config_inputs& host_inputs();

}  // namespace vk

#endif
