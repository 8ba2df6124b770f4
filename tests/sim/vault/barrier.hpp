// The barrier: AES-256-GCM sealing of everything vault-sim writes to disk or into a snapshot.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_BARRIER_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_BARRIER_HPP

#include <optional>
#include <string>
#include <string_view>

#include "codec.hpp"

namespace vsim::barrier {

inline constexpr std::size_t key_size = 32;
inline constexpr std::size_t nonce_size = 12;
inline constexpr std::size_t tag_size = 16;

// nonce || ciphertext || tag. aad binds the blob to its use (e.g. "journal") so blobs can't be swapped.
std::string encrypt(const bytes& key, std::string_view plaintext, std::string_view aad = {});
// The same with a given nonce: only for reproducible test archives (a nonce must never seal two plaintexts).
std::string encrypt_with_nonce(const bytes& key, const bytes& nonce, std::string_view plaintext,
                               std::string_view aad = {});
// nullopt when the key is wrong or the blob was tampered with.
std::optional<std::string> decrypt(const bytes& key, std::string_view blob, std::string_view aad = {});

}  // namespace vsim::barrier

#endif
