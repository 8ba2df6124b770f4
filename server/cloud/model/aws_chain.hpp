// Which source an S3 storage's credentials come from: explicit keys in the config, else the AWS default
// chain in botocore's order — environment, an assume-role profile, web identity, the shared credentials
// file, the config file, the container endpoint (ECS, EKS Pod Identity), EC2 instance metadata (IMDSv2) —
// then `assume_role_arn` on top of whichever answered. Pure: the caller hands over the environment and the
// shared files' text; nothing is fetched here.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_CHAIN_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_CHAIN_HPP

#include "cloud/model/aws_credentials.hpp"
#include "cloud/model/aws_profiles.hpp"
#include "cloud/model/aws_sts.hpp"
#include "cloud/model/environment.hpp"
#include "core/error.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vk::cloud::aws {

using env_map = cloud::env_map;

// Every variable the chain reads (the shell copies exactly these from the process environment).
const std::vector<std::string_view>& chain_variables();

// Where the shared files are: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws/credentials and
// ~/.aws/config under `home`.
std::string credentials_file_path(const env_map& env, std::string_view home);
std::string config_file_path(const env_map& env, std::string_view home);

inline constexpr std::string_view default_session = "vaultkeeper";

struct chain_settings
{
    std::optional<credentials> static_keys;  // "access_key_id"/"secret_access_key" in the config
    // "profile" in the config: like a profile given to botocore's Session, it skips the environment's keys.
    std::optional<std::string> profile;
    std::optional<assume_role_params> assume_role;  // "assume_role_arn" (+ session name, external id)
};

// Keys known without a call: static keys, the environment's, a profile's.
struct keys_source
{
    credentials creds;
};
struct web_identity_source
{
    std::string token_file;
    assume_role_params role;
};
struct container_source
{
    std::string url;
    std::optional<std::string> token_file;  // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at each fetch)
    std::optional<std::string> token;       // AWS_CONTAINER_AUTHORIZATION_TOKEN
};
struct imds_source
{
    std::string endpoint;  // "http://169.254.169.254"
};
using base_source = std::variant<keys_source, web_identity_source, container_source, imds_source>;

struct credential_plan
{
    base_source base;
    std::vector<assume_role_params> roles;  // AssumeRole calls made in order on top of the base
    // What --check-config prints and errors name ("web identity (role arn:...)"); never a secret.
    std::string description;
};

// The plan, or errc::invalid_argument naming what is wrong (a named profile absent from both files, an
// assume-role profile without a source, a container URL over http to another host, no source at all).
result<credential_plan> plan_credentials(const chain_settings& s, const env_map& env,
                                         const shared_files& files);

}  // namespace vk::cloud::aws

#endif
