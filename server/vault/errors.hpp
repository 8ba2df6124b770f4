// Pure mapping of Vault replies to vk::error (status + Vault's "errors" text -> errc), and API path encoding.
#ifndef VAULTKEEPER_SERVER_VAULT_ERRORS_HPP
#define VAULTKEEPER_SERVER_VAULT_ERRORS_HPP

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace vk::vault {

// Vault's {"errors":[...]} joined with "; " (each trimmed, Go multierror framing removed), or "" when the
// body has no such list. A non-JSON body yields "" too: it is never echoed (it could hold anything).
std::string error_text(std::string_view body);

// The errc of a non-2xx reply:
//   404 not_found; 401/403 permission_denied; 429 rate_limited; 413 too_large;
//   503 "Vault is sealed" sealed, "no active Vault instance"/"node is not active"/"standby" standby,
//   other 503 server_error; 501 uninitialized; 3xx (a redirect we did not follow) standby;
//   400 "check-and-set" and 409 conflict; other 4xx bad_request; other 5xx server_error.
errc map_status(unsigned status, std::string_view text);

// A full error for a reply: code from map_status, message "vault answered <status>[: <error text>]".
error reply_error(unsigned status, std::string_view body, std::string endpoint, std::string path);

// True for a 403 caused by an unknown/expired/revoked token (Vault >= 1.15: "... invalid token"), which a
// fresh login can cure, as opposed to a policy denial.
bool is_invalid_token(unsigned status, std::string_view body);

// Percent-encodes each '/'-separated segment of an API path (RFC 3986 unreserved characters are kept),
// so "a b/c?d" becomes "a%20b/c%3Fd". Leading and trailing slashes are kept.
std::string encode_path(std::string_view path);

// Joins API path parts with single slashes: join_path("secret/", "/data/", "a/b") == "secret/data/a/b".
std::string join_path(std::string_view mount, std::string_view middle, std::string_view rest);

// An engine's API path: the mount and the path encoded, the verb between as given:
// mount_path("secret", "data", "a b") == "secret/data/a%20b", mount_path("transit", "encrypt", "k").
std::string mount_path(std::string_view mount, std::string_view verb, std::string_view path);

}  // namespace vk::vault

#endif
