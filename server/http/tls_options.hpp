// TLS settings of the HTTP client and server (plain data; the OpenSSL contexts are built in tls.cpp).
#ifndef VAULTKEEPER_SERVER_HTTP_TLS_OPTIONS_HPP
#define VAULTKEEPER_SERVER_HTTP_TLS_OPTIONS_HPP

#include <string>

namespace vk::http {

// Client side. Verification is on by default against the system CAs; ca_file/ca_path add trust anchors.
struct tls_client_options
{
    std::string ca_file;    // PEM bundle to trust (in addition to the system store)
    std::string ca_path;    // hashed CA directory
    std::string cert_file;  // client certificate (PEM) for mutual TLS, with key_file
    std::string key_file;
    std::string server_name;   // SNI and name to verify; empty = the URL's host
    bool skip_verify = false;  // accept any certificate; callers should log a warning when set
};

// Server side: certificate chain and private key, PEM.
struct tls_server_options
{
    std::string cert_file;
    std::string key_file;
};

}  // namespace vk::http

#endif
