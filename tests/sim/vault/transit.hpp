// The transit secrets engine (encryption as a service) for aes256-gcm96 keys: keys/<k> create/read, rotate,
// config (min_decryption_version, min_encryption_version), encrypt/<k>, decrypt/<k>, rewrap/<k>. Each key
// version is a random AES-256 key sealed with barrier.hpp; ciphertexts are "vault:v<N>:<base64>" as Vault's.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_TRANSIT_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_TRANSIT_HPP

#include <string_view>

#include "call.hpp"

namespace vsim::transit {

response handle(call& c);
// Vault's existence check: encrypt/<k> on a missing key is a "create" (it upserts the key), all else
// "update".
bool exists(const storage& st, const mount_entry& m, std::string_view rel);

}  // namespace vsim::transit

#endif
