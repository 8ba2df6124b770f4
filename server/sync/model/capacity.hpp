// Bucket sizes against Consul's 512 KiB value limit: the fill ratio, and the smallest bucket count that
// keeps every bucket under the safety threshold.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_CAPACITY_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_CAPACITY_HPP

#include "core/error.hpp"
#include "sync/model/sync_info.hpp"

#include <cstddef>

namespace vk::sync {

inline constexpr std::size_t consul_value_limit = 524288;  // Consul's default kv_max_value_size
inline constexpr double default_fill_threshold = 0.9;

// Largest bucket JSON size / 524288, as of info's last reindex.
double fill_ratio(const sync_info& info);

// The smallest bucket count (1..65535) whose largest bucket, re-bucketing every entry exactly as vsync
// would, stays within threshold * 524288 bytes; 0 when even 65535 buckets are not enough.
std::size_t buckets_needed(const sync_info& info, double threshold = default_fill_threshold);

// errc::too_large when a bucket (as of the last reindex) exceeds threshold * 524288 bytes; the message
// names the bucket, its size and the bucket count needed.
result<void> check_capacity(const sync_info& info, double threshold = default_fill_threshold);

}  // namespace vk::sync

#endif
