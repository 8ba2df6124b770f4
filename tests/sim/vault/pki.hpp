// The PKI secrets engine: one root CA per mount (root/generate/internal|exported), roles that say which
// names a certificate may carry and for how long, issue/<role> minting a real leaf signed by the CA
// (pki_x509.hpp), the CA read endpoints (ca/pem, cert/ca, ca_chain, cert/<serial>) and LIST certs/ (the
// serials issued).
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_PKI_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_PKI_HPP

#include <string>
#include <string_view>
#include <vector>

#include "call.hpp"

namespace vsim::pki {

struct role
{
    std::vector<std::string> allowed_domains;
    bool allow_subdomains = false;
    bool allow_bare_domains = false;
    bool allow_any_name = false;
    bool allow_localhost = true;
    bool allow_ip_sans = true;
    std::int64_t ttl = 0;
    std::int64_t max_ttl = 0;
    std::string key_type = "ec";
};

// Whether the role lets a certificate carry this DNS name (Vault's validateNames, without globs/emails).
bool name_allowed(const role& r, std::string_view name);

response handle(call& c);

}  // namespace vsim::pki

#endif
