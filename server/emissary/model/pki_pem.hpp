// Certificates in PEM text, read with OpenSSL: a certificate's validity, and the certificate, private key and
// issuing CA a pkiCert rendered earlier into its destination files (so a restart reuses them). Pure.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_PKI_PEM_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_PKI_PEM_HPP

#include "core/error.hpp"
#include "emissary/model/cert_schedule.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::emissary {

// One "-----BEGIN <label>-----" ... "-----END <label>-----" block, exactly as it appears in the text
// (no line end after it).
struct pem_block
{
    std::string label;  // CERTIFICATE, RSA PRIVATE KEY, EC PRIVATE KEY, PRIVATE KEY, ...
    std::string text;
};
std::vector<pem_block> pem_blocks(std::string_view text);

// A certificate's notBefore..notAfter; errc::bad_response when the text holds no readable certificate.
result<cert_validity> certificate_validity(std::string_view pem);

// What a pkiCert renders (.Cert .Key .CA) and the certificate's validity.
struct cert_bundle
{
    std::string cert;
    std::string key;
    std::string ca;  // "" when not found
    cert_validity validity;
};

// Among the PEM blocks of `texts` (a pkiCert's destination files): the certificate that is not a CA, whose
// subject common name is `common_name` (any when empty) and whose private key is in one of the texts; of
// several, the one that expires last. Its CA is a certificate of the texts that issued it; when `need_ca`,
// a certificate without one is not returned. nullopt when none qualifies.
std::optional<cert_bundle> find_bundle(const std::vector<std::string>& texts, std::string_view common_name,
                                       bool need_ca);

}  // namespace vk::emissary

#endif
