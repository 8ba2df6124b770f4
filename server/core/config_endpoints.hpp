// Parsers for the config blocks that describe servers we talk to: vaults, consuls, kubernetes clusters and
// their TLS settings.
#ifndef VAULTKEEPER_SERVER_CORE_CONFIG_ENDPOINTS_HPP
#define VAULTKEEPER_SERVER_CORE_CONFIG_ENDPOINTS_HPP

#include "core/config.hpp"

namespace vk {

tls_client_config read_tls_client(object_reader& parent);
vault_config read_vault(const std::string& name, object_reader& r);
consul_config read_consul(const std::string& name, object_reader& r);
// One entry of "kubernetes": exactly one of in_cluster, kubeconfig (+ context) and api_server (+ token,
// ca_file); a key of another form is a problem at its pointer.
kubernetes_config read_kubernetes(const std::string& name, object_reader& r);
// True for "http://host:port" and "https://host:port" (an optional path is allowed).
bool is_http_url(std::string_view url);

}  // namespace vk

#endif
