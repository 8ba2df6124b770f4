// How a client (Vault, Consul, the object stores, the HTTP layer) verifies and presents TLS: plain data, read
// from the config and handed to the HTTP client as it is.
#ifndef VAULTKEEPER_SERVER_CORE_TLS_CLIENT_CONFIG_HPP
#define VAULTKEEPER_SERVER_CORE_TLS_CLIENT_CONFIG_HPP

#include <string>

namespace vk {

// Verification is on by default against the system CAs; ca_file/ca_path add trust anchors.
struct tls_client_config
{
    std::string ca_file;    // PEM bundle to trust (in addition to the system store)
    std::string ca_path;    // hashed CA directory
    std::string ca_pem;     // PEM text to trust (a kubeconfig's certificate-authority-data)
    std::string cert_file;  // client certificate (PEM) for mutual TLS, with key_file
    std::string key_file;
    std::string server_name;   // SNI and name to verify; empty = the address's host
    bool skip_verify = false;  // accept any certificate; callers log a warning when set
};

}  // namespace vk

#endif
