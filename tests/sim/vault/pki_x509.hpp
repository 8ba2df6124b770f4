// The certificate work of vault-sim's PKI engine, on OpenSSL: key pairs (EC P-256 by default, RSA on
// request), a self-signed root CA and leaf certificates signed by it, as PEM.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_PKI_X509_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_PKI_X509_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vsim::pki {

struct issued
{
    std::string certificate;  // PEM
    std::string private_key;  // PEM, traditional format (EC PRIVATE KEY / RSA PRIVATE KEY) as Vault returns
    std::string key_type;     // "ec" or "rsa"
    std::string serial;       // lowercase hex, colon-separated
    std::int64_t not_after = 0;  // unix seconds
};

struct subject
{
    std::string common_name;
    std::vector<std::string> dns_sans;
    std::vector<std::string> ip_sans;
    std::int64_t not_before = 0;  // unix seconds
    std::int64_t not_after = 0;
    std::string key_type = "ec";
};

// A self-signed CA certificate for s; nullopt if OpenSSL fails.
std::optional<issued> make_root(const subject& s);
// A leaf for s signed by the CA (PEM certificate and key); nullopt if OpenSSL fails or the PEM is bad.
std::optional<issued> sign_leaf(const subject& s, const std::string& ca_cert_pem,
                                const std::string& ca_key_pem);

}  // namespace vsim::pki

#endif
