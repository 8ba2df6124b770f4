// JWT checks of Vault's JWT auth method with static keys (jwt_validation_pubkeys), pure: compact-JWS parsing,
// signature verification through OpenSSL EVP (RS256/384/512, PS256/384/512, ES256/384/512), and the claim
// checks of path_login.go (exp/nbf/iat with leeways, iss, sub, aud, bound claims), worded as Vault words
// them.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_JWT_VERIFY_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_JWT_VERIFY_HPP

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsim::jwt {

namespace json = boost::json;

struct token
{
    json::object header;
    json::object claims;
    std::string signing_input;  // "<header b64url>.<payload b64url>", what the signature covers
    std::string signature;      // raw signature bytes
};

// The token, or nullopt with *why set to go-jose's complaint (three parts, base64url, JSON objects).
std::optional<token> parse(std::string_view compact, std::string* why);

// nullopt when the PEM holds a public key or a certificate OpenSSL can read, else the error text.
std::optional<std::string> check_public_key(std::string_view pem);

// True when one of the PEM keys verifies the signature under the header's alg. A key of another type than the
// alg (an EC key for RS256), an unknown alg, "none" and HMAC algs never verify.
bool verify_signature(const token& t, const std::vector<std::string>& pems);

// True when the registered claims decode as go-jose's jwt.Claims (iss/sub strings, aud a string or a list of
// strings, exp/nbf/iat numbers); Vault reports a token failing this as failing its signature check.
bool registered_claims_decode(const json::object& claims);

// A role's leeways as stored (seconds): 0 means Vault's default (clock skew 60, expiration and not-before
// 150), a negative value means none.
struct leeways
{
    std::int64_t clock_skew = 0;
    std::int64_t expiration = 0;
    std::int64_t not_before = 0;
};

// What the config (issuer) and the role (the rest) bind a token to; empty = not bound.
struct bindings
{
    std::string issuer;
    std::string subject;
    std::vector<std::string> audiences;
    json::object claims;  // bound_claims: claim (or JSON pointer "/a/b") -> a value or a list of values
    leeways leeway;
};

// The first failed check as Vault's error text, or nullopt when the claims pass at now_s (unix seconds).
std::optional<std::string> check_claims(const json::object& claims, const bindings& b, std::int64_t now_s);

}  // namespace vsim::jwt

#endif
