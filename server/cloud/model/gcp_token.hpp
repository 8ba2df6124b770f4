// The answers Google's token endpoints give: the OAuth token endpoint and the metadata server both answer
// {"access_token", "expires_in", "token_type": "Bearer"}; the token endpoint's refusals are
// {"error", "error_description"} (RFC 6749 section 5.2). expires_in is relative, so our clock decides the
// expiry whatever the server's clock says.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_TOKEN_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_GCP_TOKEN_HPP

#include "core/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vk::cloud::gcp {

// A token is refreshed from 3 min 45 s before it expires (google-auth's REFRESH_THRESHOLD: the metadata
// server itself hands out a new token from 4 min before); a failed refresh keeps it until 10 s before.
inline constexpr std::chrono::seconds refresh_threshold{225};
inline constexpr std::chrono::seconds last_usable{10};

struct access_token
{
    std::string value;  // sent as "Authorization: Bearer <value>"; never logged
    std::optional<std::chrono::system_clock::time_point> expiration;  // always set: answers carry expires_in
};

// The token of a 2xx answer received at `now`; errc::bad_response naming what is missing (never a value).
result<access_token> parse_token_answer(std::string_view json, std::chrono::system_clock::time_point now);

// A refusal: "HTTP <status>: <error>: <error_description>" when the body has that shape (else the status
// alone); 400/401/403 permission_denied, 5xx server_error.
error token_refusal(unsigned status, std::string_view body);

}  // namespace vk::cloud::gcp

#endif
