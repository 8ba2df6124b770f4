// TLS settings of the HTTP client and server (plain data; the OpenSSL contexts are built in tls.cpp).
#ifndef VAULTKEEPER_SERVER_HTTP_TLS_OPTIONS_HPP
#define VAULTKEEPER_SERVER_HTTP_TLS_OPTIONS_HPP

#include "core/tls_client_config.hpp"

#include <string>

namespace vk::http {

// Client side: the config's own type, so that the Vault and Consul clients hand theirs over as it is.
using tls_client_options = vk::tls_client_config;

// Server side: certificate chain and private key, PEM; with a client CA, a certificate the client presents is
// verified against it (and one is demanded when required).
struct tls_server_options
{
    std::string cert_file;
    std::string key_file;
    std::string client_ca_file;  // "" = no client certificate asked for
    bool require_client_cert = false;
};

}  // namespace vk::http

#endif
