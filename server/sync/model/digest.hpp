// SHA-256 helpers for the sync core: raw digests (bucket ids), lower-case hex (index hashes) and HMAC
// (KV v1 insights).
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_DIGEST_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_DIGEST_HPP

#include <array>
#include <string>
#include <string_view>

namespace vk::sync {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest sha256(std::string_view data) noexcept;

// Lower-case hex of sha256(data), as Go's fmt.Sprintf("%x", sum) prints it.
std::string sha256_hex(std::string_view data);

std::string to_hex(const sha256_digest& d);

// HMAC-SHA-256 (RFC 2104) of `data` under `key`.
sha256_digest hmac_sha256(std::string_view key, std::string_view data) noexcept;

}  // namespace vk::sync

#endif
