// The Kubernetes side of kubernetes_store as plain functions: request targets and bodies for one Secret per
// keeper object, and the decoding of the API server's answers (Secret, SecretList, Status) into results.
// Pure: the store's coroutine shell only sends what these build and returns what they decode.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_KUBERNETES_SECRET_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_KUBERNETES_SECRET_HPP

#include "core/base64.hpp"
#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper::k8s {

// Every Secret the keeper writes carries this label; list() selects on it and get() refuses others.
inline constexpr std::string_view managed_by_key = "app.kubernetes.io/managed-by";
inline constexpr std::string_view managed_by_value = "vaultkeeper";
// The data key holding the object's bytes.
inline constexpr std::string_view data_key = "value";

// "/api/v1/namespaces/<ns>/secrets"
std::string collection_target(std::string_view ns);
// "/api/v1/namespaces/<ns>/secrets/<name>"
std::string secret_target(std::string_view ns, std::string_view name);
// The collection with labelSelector=app.kubernetes.io/managed-by=vaultkeeper (percent-encoded).
std::string list_target(std::string_view ns);

// A Secret (type Opaque, our label, data.value = base64(data)); with resource_version set, a PUT body that
// the API server accepts only if the stored object still has that resourceVersion.
std::string secret_body(std::string_view ns, std::string_view name, std::string_view data,
                        std::optional<std::string_view> resource_version);
// DeleteOptions with a resourceVersion precondition ("" when there is none).
std::string delete_body(std::optional<std::string_view> resource_version);

// What a read Secret says about one keeper object.
struct secret_view
{
    std::string name;
    std::string data;              // decoded data.value ("" when absent)
    std::string resource_version;  // metadata.resourceVersion
    bool managed = false;          // carries our label
};

// errc::bad_response when the body is not a Secret with a resourceVersion or data.value is not base64.
result<secret_view> parse_secret(std::string_view body);
// Names of the items of a SecretList that carry our label, sorted. errc::bad_response when malformed.
result<std::vector<std::string>> parse_secret_names(std::string_view body);

// An error for a non-2xx answer: 404 not_found, 409 conflict (AlreadyExists and Conflict alike), 401/403
// permission_denied, 429 rate_limited, 400/422 bad_request, 5xx server_error. The message carries the
// Status reason and message (names only, never data) after `what` ("put shard-1").
error status_error(unsigned status, std::string_view body, std::string_view what);

// The Status reason of an error body ("AlreadyExists", "Conflict"...), "" when the body is no Status.
std::string status_reason(std::string_view body);

using vk::base64_decode;
using vk::base64_encode;

}  // namespace vk::keeper::k8s

#endif
