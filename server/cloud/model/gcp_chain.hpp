// Where a GCS storage's OAuth tokens come from, in the order of Google's Application Default Credentials:
// an explicit "service_account_key_file", else GOOGLE_APPLICATION_CREDENTIALS (a service account key file),
// else the GCE / GKE metadata server (GCE_METADATA_HOST as current google-auth names it, or GCE_METADATA_ROOT
// as google-auth 1.x does; metadata.google.internal by default). Pure: the caller hands over the environment
// and a file reader; nothing is fetched.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_CHAIN_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_CHAIN_HPP

#include "cloud/model/gcp_key_file.hpp"
#include "core/error.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vk::cloud::gcp {

using env_map = std::map<std::string, std::string, std::less<>>;
using file_reader = std::function<std::optional<std::string>(const std::string& path)>;

// Every variable the chain reads (the shell copies exactly these from the process environment).
const std::vector<std::string_view>& chain_variables();

inline constexpr std::string_view default_metadata_host = "metadata.google.internal";
inline constexpr std::string_view metadata_token_path =
    "/computeMetadata/v1/instance/service-accounts/default/token";

struct key_file_source
{
    service_account_key key;
};
struct metadata_source
{
    std::string origin;  // "http://metadata.google.internal"
};

struct token_plan
{
    std::variant<key_file_source, metadata_source> source;
    // What --check-config prints and errors name ("service account key file <path> (<client_email>)",
    // "metadata server (http://...)"); never a secret.
    std::string description;
};

// The plan, or errc::invalid_argument: an unreadable or malformed key file (named), a metadata host that is
// not loopback, 169.254.169.254 or metadata.google.internal (tokens go over plain http).
result<token_plan> plan_token_source(const std::optional<std::string>& key_file, const env_map& env,
                                     const file_reader& read);

// errc::invalid_argument unless `host` ("host[:port]") may serve tokens over http.
result<void> check_metadata_host(std::string_view host);

}  // namespace vk::cloud::gcp

#endif
