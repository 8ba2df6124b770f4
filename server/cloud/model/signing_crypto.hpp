// The few primitives request signing needs (AWS Signature V4, Azure Shared Key): SHA-256, HMAC-SHA-256, hex
// and base64, over OpenSSL. Plain functions on strings; digests are raw bytes unless the name says hex.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_SIGNING_CRYPTO_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_SIGNING_CRYPTO_HPP

#include "core/base64.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace vk::cloud::crypto {

std::string sha256(std::string_view data);                             // 32 raw bytes
std::string sha256_hex(std::string_view data);                         // 64 lower-case hex digits
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string to_hex(std::string_view bytes);                            // lower case
using vk::base64_decode;  // core/base64.hpp: standard alphabet, padded, strict
using vk::base64_encode;

}  // namespace vk::cloud::crypto

#endif
