// pkiCert in the emissary: a certificate found at the destinations and still valid is reused (no request to
// Vault, as consul-template does across restarts); otherwise one is issued (POST <mount>/issue/<role>). It is
// re-issued at ~2/3 of its validity, never on `refresh`.
#ifndef VAULTKEEPER_SERVER_EMISSARY_PKI_HPP
#define VAULTKEEPER_SERVER_EMISSARY_PKI_HPP

#include "emissary/model/policy.hpp"
#include "emissary/model/settings.hpp"
#include "emissary/sources.hpp"

#include <boost/asio/awaitable.hpp>
#include <vector>

namespace vk::emissary {

// One dependency's answer. A pkiCert: the certificate, key and CA found in the destination files of the
// `templates` that use it when the certificate is reusable (cert_schedule.hpp; the key must be there, and
// the CA too when one of them reads .CA), else a new one from Vault ({Cert, Key, CA}). Anything else:
// fetch(). Errors: those of the Vault client (never a value), bad_response for an answer without a
// certificate.
boost::asio::awaitable<result<fetched>> fetch_dependency(source_clients& s, const dependency& d,
                                                         const std::vector<template_config>& templates);

// When the certificate a pkiCert dependency holds is re-issued (steady clock): reissue_poll() from now.
clock_time pki_next_poll(const fetched& f, double draw01);

}  // namespace vk::emissary

#endif
