// A Google service account key file (the JSON the console hands out, "type": "service_account"): the fields
// the JWT grant needs. Errors name the file and the field, never a value of the key.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_KEY_FILE_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_KEY_FILE_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <string>
#include <string_view>

namespace vk::cloud::gcp {

inline constexpr std::string_view default_token_uri = "https://oauth2.googleapis.com/token";

struct service_account_key
{
    std::string path;  // where it was read (for messages)
    std::string client_email;
    std::string private_key_id;  // the JWT header's kid
    secret private_key;          // PEM (PKCS#8 "BEGIN PRIVATE KEY")
    std::string token_uri;       // the key file's, else default_token_uri
};

// errc::invalid_argument naming `path` and the field: not JSON, "type" other than "service_account", no
// client_email / private_key, a token_uri that is not http(s).
result<service_account_key> parse_service_account_key(std::string_view json, std::string_view path);

}  // namespace vk::cloud::gcp

#endif
