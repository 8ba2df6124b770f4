// The subject and SANs of the certificate a TLS client presented and the handshake verified.
#ifndef VAULTKEEPER_SERVER_HTTP_CERTIFICATE_NAMES_HPP
#define VAULTKEEPER_SERVER_HTTP_CERTIFICATE_NAMES_HPP

#include "core/peer_certificate.hpp"

#include <memory>

struct ssl_st;  // OpenSSL's SSL

namespace vk::http {

// Null when the client presented no certificate or it did not verify.
std::shared_ptr<const peer_certificate> verified_peer_certificate(ssl_st* ssl);

}  // namespace vk::http

#endif
