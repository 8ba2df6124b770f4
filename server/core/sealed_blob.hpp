// Sealing at rest as plain functions, shared by the keeper's file store and the emissary's lease state file:
// the key-encryption key (32 bytes given as hex or base64) and AES-256-GCM sealing of one object with its
// name as additional data (a file renamed to another object's name does not open).
#ifndef VAULTKEEPER_SERVER_CORE_SEALED_BLOB_HPP
#define VAULTKEEPER_SERVER_CORE_SEALED_BLOB_HPP

#include "core/error.hpp"
#include "core/secret.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace vk {

// The 32 raw key bytes from 64 hex digits or base64 of 32 bytes; invalid_argument otherwise (the message
// names the length found, never the value).
result<secret> decode_kek(const secret& configured);

// Eight bytes naming a key without revealing it: the start of SHA-256("vaultkeeper kek id" | key). Lets a
// reader holding several keys (a rotation) pick the one that sealed a blob instead of trying each.
std::string kek_id(const secret& kek);

// "VKS1" | 12-byte random nonce | ciphertext | 16-byte tag.
result<std::string> seal_blob(const secret& kek, std::string_view name, std::string_view plaintext);
// "VKS2" | 8-byte kek_id(kek) | 12-byte random nonce | ciphertext | 16-byte tag.
result<std::string> seal_blob_with_id(const secret& kek, std::string_view name, std::string_view plaintext);
// The key id a "VKS2" blob names; nullopt for a "VKS1" blob (any key may have sealed it) or other bytes.
std::optional<std::string> blob_key_id(std::string_view sealed);
// Opens "VKS1" and "VKS2" blobs. bad_response when the bytes are not ours, were changed, or belong to
// another name or key.
result<std::string> open_blob(const secret& kek, std::string_view name, std::string_view sealed);

}  // namespace vk

#endif
