// What a pkiCert dependency asks Vault for and what its templates need back. Pure.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_PKI_REQUEST_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_PKI_REQUEST_HPP

#include "emissary/model/pki_pem.hpp"
#include "emissary/model/template.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace vk::emissary {

// The issue request's JSON body: each "key=value" parameter as {"key": "value"} (Vault takes strings).
boost::json::object issue_body(const dependency& d);
// The common_name parameter ("" when not given).
std::string common_name_of(const dependency& d);

// True when the template reads `.name` anywhere (e.g. `.CA`; over-approximate: any field of that name).
bool uses_field(const template_ast& ast, std::string_view name);

// Vault's issue answer (the body of <mount>/issue/<role>) as a bundle: data.certificate, data.private_key and
// data.issuing_ca, each without a trailing line end (as Vault writes them, so a file rendered from one and
// read back yields the same text), and the certificate's validity. errc::bad_response naming what is
// missing; never a value.
result<cert_bundle> bundle_from_issue(std::string_view body);

// The value a pkiCert dependency records and templates read: {"Cert", "Key", "CA"}.
boost::json::value cert_value(const cert_bundle& b);

}  // namespace vk::emissary

#endif
