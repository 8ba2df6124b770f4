// The OAuth 2.0 JWT bearer grant of a service account (Google's "Using OAuth 2.0 for Server to Server
// Applications"): an RS256-signed assertion {iss: client_email, scope, aud: token_uri, iat, exp: iat + 1 h}
// with the key's id as kid, posted form-encoded to token_uri.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_JWT_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_JWT_HPP

#include "cloud/model/gcp_key_file.hpp"
#include "core/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vk::cloud::gcp {

// Read, write and delete objects (not bucket IAM): what a snapshot storage does.
inline constexpr std::string_view storage_scope = "https://www.googleapis.com/auth/devstorage.read_write";
// Google takes assertions of at most an hour.
inline constexpr std::chrono::seconds assertion_lifetime{3600};
inline constexpr std::string_view jwt_bearer_grant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

// RFC 4648 section 5, without padding (JWS).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// RSASSA-PKCS1-v1_5 over SHA-256 (JWS "RS256") with a PEM private key: the raw signature bytes, or
// errc::invalid_argument when the key is no RSA private key (the message never quotes it).
result<std::string> rs256_sign(std::string_view pem_private_key, std::string_view data);

// header.claims.signature, each base64url.
result<std::string> jwt_assertion(const service_account_key& key, std::string_view scope,
                                  std::chrono::system_clock::time_point iat);

// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=...
std::string jwt_grant_body(std::string_view assertion);

}  // namespace vk::cloud::gcp

#endif
