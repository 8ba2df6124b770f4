// AWS Signature Version 4 (S3 flavour, also GCS's XML API with HMAC keys): canonical request, string to sign,
// signing key, the Authorization header, and query-string presigning. Pure: the caller supplies the time.
// Paths are encoded once, S3 style (every byte but A-Z a-z 0-9 - . _ ~ percent-encoded, '/' kept); the
// same encoding builds the request target, so what is signed is what is sent.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_SIGV4_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_SIGV4_HPP

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vk::cloud::sigv4 {

// The payload hash of a body that is not hashed (streamed uploads over TLS, presigned URLs).
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty body.
inline constexpr std::string_view empty_payload =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct credentials
{
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // "" unless temporary credentials
};

struct scope
{
    std::string region;   // "us-east-1"; GCS: "auto"
    std::string service;  // "s3"
};

using fields = std::vector<std::pair<std::string, std::string>>;

// A request as it is signed: path and query values decoded (the signer encodes them).
struct request
{
    std::string method = "GET";
    std::string path = "/";
    fields query;
    fields headers;  // every header to sign, "host" included; names in any case
    std::string payload_hash{empty_payload};
};

// The intermediate strings, exposed so tests compare them with published vectors.
struct signature
{
    std::string canonical_request;
    std::string string_to_sign;
    std::string signed_headers;  // "host;x-amz-date"
    std::string hex;             // the signature
};

std::string uri_encode(std::string_view s, bool keep_slash);
// The canonical query string (sorted by encoded name, then value), also what follows '?' in the target.
std::string canonical_query(const fields& query);
// Encoded path plus "?" + canonical query when there is one: the request target to send.
std::string target(const request& r);
// "20130524T000000Z"
std::string amz_date(std::chrono::system_clock::time_point t);

// Computes the signature over exactly r's headers; amz_date is the X-Amz-Date value.
signature compute(const request& r, const credentials& c, const scope& s, std::string_view amz_date);
// "AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=..."
std::string authorization(const signature& sig, const credentials& c, const scope& s,
                          std::string_view amz_date);

// Header signing: adds x-amz-date, x-amz-content-sha256 (= payload_hash), x-amz-security-token when there is
// a session token, then signs and adds Authorization.
void sign_headers(request& r, const credentials& c, const scope& s, std::string_view amz_date);

// Query-string presigning (payload UNSIGNED-PAYLOAD; only the given headers, usually "host", are signed):
// returns the full target, path and query including X-Amz-Signature.
std::string presign(request r, const credentials& c, const scope& s, std::string_view amz_date,
                    std::chrono::seconds expires);

}  // namespace vk::cloud::sigv4

#endif
