// Who a request is and whether it may do what it asks: the admin tokens as digests (the tokens themselves are
// not kept), the presented bearer token matched against every one of them in constant time, or the verified
// client certificate matched by subject or SAN, and the verdict for a route's scope and job. Pure: the router
// asks, the tests step it with plain values.
#ifndef VAULTKEEPER_SERVER_API_MODEL_ACCESS_HPP
#define VAULTKEEPER_SERVER_API_MODEL_ACCESS_HPP

#include "core/config.hpp"
#include "core/peer_certificate.hpp"
#include "core/scope.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::api {

// The token of an Authorization header value "Bearer <token>" (the scheme in any case); nullopt otherwise.
std::optional<std::string_view> bearer_token(std::string_view authorization);

using token_digest = std::array<unsigned char, 32>;  // SHA-256
token_digest digest_of(std::string_view token);

// A named token's rights.
struct principal
{
    std::string name;
    scope_set scopes;
    std::vector<std::string> jobs;  // globs; empty: every job

    bool limited_to_jobs() const { return !jobs.empty(); }
    bool may_touch(std::string_view job) const;
};

// What the caller presented: the bearer token (nullopt without one) and the client certificate the TLS
// handshake verified (null without one).
struct credentials
{
    std::optional<std::string_view> bearer;
    const peer_certificate* cert = nullptr;
};

// How a caller was identified.
enum class credential
{
    token,
    client_certificate,
};
std::string_view to_string(credential c);

// Whether a certificate's names satisfy an entry's client_cert: the SAN of the same type whose value matches
// the glob (DNS names in any case), or the whole subject.
bool matches(const client_cert_match& m, const peer_certificate& cert);

// Why a request was refused: 401 for the first four, 403 for the others.
enum class denial
{
    no_token,
    unknown_token,
    unknown_certificate,   // verified, but no entry names it
    certificate_required,  // admin.tls.require_client_cert, and no certificate (a bearer token does not
                           // count)
    missing_scope,
    job_not_allowed,
};
std::string_view to_string(denial d);  // the metric's reason label
bool unauthenticated(denial d);

struct verdict
{
    // Set when the caller is known, also when refused for its rights. A copy: a reload may replace the list
    // while the request it identified is still running.
    std::optional<principal> who;
    credential via = credential::token;
    std::optional<denial> refused;
    std::string message;  // for a refusal: names the missing scope or the job, never another token
};

class access_list
{
public:
    access_list() = default;
    // admin.token as "admin" with every scope, then admin.tokens.
    static access_list from(const admin_config& admin);

    // The token's entry: every digest is compared, whatever matches first, so timing tells nothing.
    const principal* identify(std::string_view bearer) const;
    // The first entry, in configuration order, whose client_cert the certificate matches.
    const principal* identify(const peer_certificate& cert) const;
    // A bearer token identifies the caller when one is sent (unless certificates are required), else the
    // certificate; `job`: the job the route acts on ("" for none).
    verdict decide(const credentials& presented, scope needed, std::string_view job) const;
    std::size_t size() const { return entries_.size(); }

private:
    struct entry
    {
        std::optional<token_digest> digest;  // none for an entry only a certificate names
        std::optional<client_cert_match> cert;
        principal who;
    };
    verdict identified(const credentials& presented) const;

    std::vector<entry> entries_;
    bool certificates_only_ = false;  // admin.tls.require_client_cert
};

}  // namespace vk::api

#endif
