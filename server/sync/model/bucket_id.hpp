// vsync's bucket assignment: BigEndian.Uint16(sha256(path)[0:2]) % N, and the valid range of N.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_BUCKET_ID_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_BUCKET_ID_HPP

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vk::sync {

// vsync does the modulo in uint16, so 65536 buckets would divide by zero there.
inline constexpr std::size_t max_bucket_count = 65535;

// errc::invalid_argument unless 1 <= n <= 65535.
result<std::uint16_t> check_bucket_count(std::size_t n);

// The 16-bit key vsync takes from a path: the first two SHA-256 bytes, big-endian. Kept separate so
// re-bucketing projections hash each path once.
std::uint16_t path_key(std::string_view path) noexcept;

// The bucket of `path` among n buckets (n from check_bucket_count, so never 0).
std::uint16_t bucket_id(std::string_view path, std::uint16_t n) noexcept;

}  // namespace vk::sync

#endif
