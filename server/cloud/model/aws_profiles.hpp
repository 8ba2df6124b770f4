// The AWS shared files, ~/.aws/credentials and ~/.aws/config: INI sections of `key = value` lines. The
// credentials file names a profile `[name]`, the config file `[profile name]` (and `[default]`). Indented
// lines (nested settings such as `s3 =` blocks) are skipped, like botocore's configloader does for the keys
// credentials need.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_PROFILES_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_PROFILES_HPP

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vk::cloud::aws {

using ini_section = std::map<std::string, std::string, std::less<>>;
using ini_file = std::map<std::string, ini_section, std::less<>>;

// Sections by name as written between brackets (trimmed), keys and values trimmed. Comments start with #
// or ; at the beginning of a line.
ini_file parse_ini(std::string_view text);

struct shared_files
{
    std::string credentials_path;  // for messages ("~/.aws/credentials" as resolved)
    std::string config_path;
    ini_file credentials;
    ini_file config;
};

// Profile `name` of the config file: "[profile name]", or "[default]" for "default" (botocore also takes
// "[profile default]").
const ini_section* config_profile(const shared_files& f, std::string_view name);
// Profile `name` of the credentials file.
const ini_section* credentials_profile(const shared_files& f, std::string_view name);
// A key of profile `name`, the credentials file first (botocore merges it over the config file).
std::optional<std::string> profile_value(const shared_files& f, std::string_view name, std::string_view key);
// Whether either file has the profile.
bool has_profile(const shared_files& f, std::string_view name);

}  // namespace vk::cloud::aws

#endif
