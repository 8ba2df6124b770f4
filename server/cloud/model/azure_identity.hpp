// Which identity an Azure storage's OAuth tokens (resource https://storage.azure.com/) come from, as
// azure-identity's DefaultAzureCredential decides it for a daemon: workload identity when
// AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID are all set (the federated token exchanged
// at {AZURE_AUTHORITY_HOST}/{tenant}/oauth2/v2.0/token), else managed identity through the instance metadata
// service (IMDS; AZURE_POD_IDENTITY_AUTHORITY_HOST moves it, as in azure-identity), user-assigned when a
// client id is given. Pure: the caller hands over the environment; nothing is fetched here.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AZURE_IDENTITY_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AZURE_IDENTITY_HPP

#include "cloud/model/environment.hpp"
#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vk::cloud::azure {

using env_map = cloud::env_map;

inline constexpr std::string_view storage_resource = "https://storage.azure.com/";
inline constexpr std::string_view storage_scope = "https://storage.azure.com/.default";
inline constexpr std::string_view imds_default_host = "http://169.254.169.254";
inline constexpr std::string_view imds_token_path = "/metadata/identity/oauth2/token";
inline constexpr std::string_view imds_api_version = "2018-02-01";
inline constexpr std::string_view default_authority = "https://login.microsoftonline.com/";
inline constexpr std::string_view jwt_bearer_assertion =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Every variable the choice reads (the shell copies exactly these from the process environment).
const std::vector<std::string_view>& identity_variables();

struct identity_settings
{
    // The storage's "client_id": a user-assigned managed identity, in place of AZURE_CLIENT_ID (workload
    // identity keeps AZURE_CLIENT_ID, the application its federated credential belongs to).
    std::optional<std::string> client_id;
};

struct managed_identity_source
{
    std::string endpoint;                  // "http://169.254.169.254" or the override
    std::optional<std::string> client_id;  // user-assigned; absent = system-assigned
};
struct workload_identity_source
{
    std::string authority;  // "https://login.microsoftonline.com" (no trailing slash)
    std::string tenant_id;
    std::string client_id;
    std::string token_file;  // re-read at each exchange (the kubelet rotates it)
};
using token_source = std::variant<managed_identity_source, workload_identity_source>;

struct token_plan
{
    token_source source;
    // What --check-config prints and errors name ("workload identity (tenant t, client c)"); never a secret.
    std::string description;
};

// The plan, or errc::invalid_argument naming what is wrong (an IMDS override over http to a host other than
// loopback or 169.254.169.254, an authority over http to a host other than loopback).
result<token_plan> plan_token_source(const identity_settings& s, const env_map& env);

}  // namespace vk::cloud::azure

#endif
