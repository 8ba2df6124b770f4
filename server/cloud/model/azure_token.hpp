// The two token exchanges of Azure identities and their answers: the IMDS GET (Metadata: true, api-version
// 2018-02-01, resource, client_id for a user-assigned identity) and the Microsoft identity platform's
// client-credentials POST with the federated token as client assertion (scope .../.default). Answers carry
// access_token, token_type and expires_in / expires_on (IMDS writes numbers as strings, AAD as numbers);
// refusals {"error","error_description"}. Refresh as azure-identity does it: 5 minutes before expiry, a
// failed refresh retried after 30 s while the current token stays in use until (nearly) it expires.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AZURE_TOKEN_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AZURE_TOKEN_HPP

#include "cloud/model/aws_refresh.hpp"
#include "cloud/model/azure_identity.hpp"
#include "core/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vk::cloud::azure {

inline constexpr std::string_view form_content_type = "application/x-www-form-urlencoded";

struct token_request
{
    std::string method;
    std::string url;  // origin + path + query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

token_request imds_request(const managed_identity_source& m);
// `assertion`: the federated token file's content (line end removed).
token_request workload_request(const workload_identity_source& w, std::string_view assertion);

struct token_answer
{
    std::string access_token;
    std::optional<std::chrono::seconds> expires_in;
    std::optional<std::chrono::system_clock::time_point> expires_on;
};

// A 2xx answer's token; errc::bad_response naming what is missing (never a value), or when token_type is not
// Bearer.
result<token_answer> parse_token_answer(std::string_view json);

// A refusal: "HTTP <status> <error>: <error_description>" (the description cut to 300 characters), as
// errc::permission_denied for 400/401/403, errc::server_error for 5xx, errc::bad_request otherwise.
error token_refusal(unsigned status, std::string_view body);

// When the token expires on our clock: expires_in counted from `requested` (when the request left, so never
// later than the service's own count; immune to a skewed server clock); else expires_on, moved by the
// server's Date offset (aws::local_expiration). errc::bad_response without either.
result<std::chrono::system_clock::time_point>
token_expiry(const token_answer& a, std::chrono::system_clock::time_point requested,
             std::optional<std::chrono::system_clock::time_point> server_date);

// azure-identity's timing: refresh `refresh_before` ahead of expiry (default 300 s), keep the token when that
// fails (retried after refresh_before / 10, azure-identity's 30 s) until a fifth of refresh_before (at most
// 30 s) is left; then a refresh must succeed.
aws::refresh_windows token_refresh_windows(std::chrono::seconds refresh_before);

}  // namespace vk::cloud::azure

#endif
