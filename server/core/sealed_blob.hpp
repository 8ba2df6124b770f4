// Sealing at rest as plain functions, shared by the keeper's file store and the emissary's lease state file:
// the key-encryption key (32 bytes given as hex or base64) and AES-256-GCM sealing of one object with its
// name as additional data (a file renamed to another object's name does not open).
#ifndef VAULTKEEPER_SERVER_CORE_SEALED_BLOB_HPP
#define VAULTKEEPER_SERVER_CORE_SEALED_BLOB_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <string>
#include <string_view>

namespace vk {

// The 32 raw key bytes from 64 hex digits or base64 of 32 bytes; invalid_argument otherwise (the message
// names the length found, never the value).
result<secret> decode_kek(const secret& configured);

// "VKS1" | 12-byte random nonce | ciphertext | 16-byte tag.
result<std::string> seal_blob(const secret& kek, std::string_view name, std::string_view plaintext);
// bad_response when the bytes are not ours, were changed, or belong to another name or key.
result<std::string> open_blob(const secret& kek, std::string_view name, std::string_view sealed);

}  // namespace vk

#endif
