// Vault's pgp_keys for sys/init: each share encrypted to the OpenPGP key at its index (pgpkeys.EncryptShares
// over the shares' hex, the text `vault operator unseal` takes), by running gpg from Debian with a private,
// throw-away homedir (the sims never link the daemon's code).
#ifndef VAULT_SIM_PGP_HPP
#define VAULT_SIM_PGP_HPP

#include "codec.hpp"
#include "rekey.hpp"

#include <boost/json.hpp>
#include <optional>

#include <string>
#include <variant>
#include <vector>

namespace vsim {

// keys_b64[i]: the base64 of a binary OpenPGP public key. The binary OpenPGP message for each plaintext, or
// 400 naming the key that gpg refused.
std::variant<std::vector<bytes>, coded_error> pgp_encrypt(const std::vector<std::string>& keys_b64,
                                                          const std::vector<std::string>& plaintexts);

// A JSON array of strings (pgp_keys); a non-string element becomes "" (which no key parses as).
std::vector<std::string> string_array(const boost::json::value* v);

// A sys/init or completed rekey body: keys[i] and keys_base64[i] become the hex and base64 of the OpenPGP
// message of share i's hex to pgp_keys[i], as Vault's. 500 if gpg fails (the keys were probed before).
std::optional<coded_error> encrypt_keys(boost::json::object& out, const std::vector<std::string>& pgp_keys);

// Each key's V4 fingerprint in lowercase hex, as Vault announces them in a rekey's pgp_fingerprints
// (pgpkeys.GetFingerprints: "%x" of the primary key's fingerprint); nullopt when a key is not a binary
// OpenPGP public key (probe_keys then names it).
std::optional<std::vector<std::string>> pgp_fingerprints(const std::vector<std::string>& keys_b64);

// Whether gpg takes a message to every key (before anything that would lose the shares if it did not).
std::optional<coded_error> probe_keys(const std::vector<std::string>& pgp_keys);

}  // namespace vsim

#endif
