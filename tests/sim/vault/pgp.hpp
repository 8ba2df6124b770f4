// Vault's pgp_keys for sys/init: each share encrypted to the OpenPGP key at its index (pgpkeys.EncryptShares
// over the shares' hex, the text `vault operator unseal` takes), by running gpg from Debian with a private,
// throw-away homedir (the sims never link the daemon's code).
#ifndef VAULT_SIM_PGP_HPP
#define VAULT_SIM_PGP_HPP

#include "codec.hpp"
#include "rekey.hpp"

#include <string>
#include <variant>
#include <vector>

namespace vsim {

// keys_b64[i]: the base64 of a binary OpenPGP public key. The binary OpenPGP message for each plaintext, or
// 400 naming the key that gpg refused.
std::variant<std::vector<bytes>, coded_error> pgp_encrypt(const std::vector<std::string>& keys_b64,
                                                          const std::vector<std::string>& plaintexts);

}  // namespace vsim

#endif
