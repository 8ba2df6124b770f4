// The one map from an upstream server's HTTP status (Vault, Consul, the object stores, Kubernetes) to errc.
// Each client starts from it and names only where its service differs (vault/errors.cpp: redirects, 501 and
// the 503 texts; snapshot/object_store.cpp: 503 SlowDown is throttling).
#ifndef VAULTKEEPER_SERVER_CORE_UPSTREAM_STATUS_HPP
#define VAULTKEEPER_SERVER_CORE_UPSTREAM_STATUS_HPP

#include "core/error.hpp"

namespace vk {

// 401/403 permission_denied, 404 not_found, 409/412 conflict, 413 too_large, 429 rate_limited, other 4xx
// bad_request, 5xx (and anything else that is not 2xx) server_error.
errc upstream_errc(unsigned status) noexcept;

}  // namespace vk

#endif
