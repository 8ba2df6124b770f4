// How to reach a Kubernetes API server (access), and the pure halves of finding it: a kubeconfig's text ->
// access, and the in-cluster environment -> the server's URL. The files are read by kubernetes/cluster.cpp.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_MODEL_KUBECONFIG_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_MODEL_KUBECONFIG_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace vk::kubernetes {

// Everything a client needs: the server, its bearer token (file-backed when it came from a file, so a rotated
// token is re-read), the CA to verify it by (a file, or PEM text from certificate-authority-data; both empty:
// the system CAs) and the namespace used when the caller names none.
struct access
{
    std::string api_server;
    vk::secret token;
    std::string ca_file;
    std::string ca_pem;
    std::string default_namespace;
};

// A kubeconfig context resolved; a user's tokenFile is left for the caller to read (token stays empty).
struct kubeconfig_access
{
    access a;
    std::string token_file;
};

// The context `context` of a kubeconfig (its current-context when empty): cluster.server, its CA
// (certificate-authority relative to `dir`, the kubeconfig's folder, or certificate-authority-data), the
// user's token or tokenFile (relative to `dir`), the context's namespace ("default" when it has none).
// errc::invalid_argument naming `source` for bad YAML, a missing context/cluster/user, users that
// authenticate otherwise than by a token (client certificates, exec, auth-provider, basic auth) and
// insecure-skip-tls-verify. Token values never appear in messages.
result<kubeconfig_access> parse_kubeconfig(std::string_view text, const std::string& dir,
                                           const std::string& context, const std::string& source);

// "https://host:port" from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (an IPv6 host in brackets);
// errc::invalid_argument when either is unset or empty (not running in a pod).
result<std::string> in_cluster_server(const std::optional<std::string>& host,
                                      const std::optional<std::string>& port);

}  // namespace vk::kubernetes

#endif
