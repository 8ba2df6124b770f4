// Bucket sizes against what one Consul transaction carries: the fill ratio, the smallest bucket count that
// keeps every bucket within the bucket limit, and the message that names it.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_CAPACITY_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_CAPACITY_HPP

#include "core/error.hpp"
#include "sync/model/sync_info.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace vk::sync {

// The most raw JSON bytes a bucket may hold: 383 KiB. A bucket is written as one operation of a Consul
// transaction (/v1/txn), whose whole request body Consul bounds by limits.txn_max_req_len (512 KiB by
// default), and there its value is base64 (4/3 of the raw size): 384 KiB raw is exactly 512 KiB of base64
// with no room left for the operation's JSON and key. One KiB less leaves 1,364 bytes for those (44 bytes of
// JSON plus a key of up to ~1,300 bytes: the sync path, "origin/" or "destination/" and the bucket number).
// It is also far below Consul's 512 KiB value limit (kv_max_value_size), which a plain PUT would meet.
inline constexpr std::size_t max_bucket_bytes = 384 * 1024 - 1024;

// What one entry (a path and its insight) adds to a bucket's JSON, comma included, and the path's key (which
// bucket it falls in for any bucket count: key % count, as vsync).
struct entry_size
{
    std::uint16_t key = 0;
    std::size_t bytes = 0;
};

// The entries of one bucket (as stored or as built), appended to `out`.
void add_entry_sizes(const bucket& b, std::vector<entry_size>& out);

// Largest bucket JSON size / max_bucket_bytes, as of info's last reindex.
double fill_ratio(const sync_info& info);

// The smallest bucket count (1..65535) whose largest bucket, re-bucketing every entry exactly as vsync
// would, stays within `limit` bytes; 0 when even 65535 buckets are not enough.
std::size_t buckets_needed(const std::vector<entry_size>& entries, std::size_t limit = max_bucket_bytes);
std::size_t buckets_needed(const sync_info& info, std::size_t limit = max_bucket_bytes);

// errc::too_large when a bucket (as of the last reindex) holds more than `limit` bytes; the message names the
// bucket, its size and the bucket count needed: "bucket 3 holds 400000 bytes ...; buckets: 300 needed (now
// 256)". The caller adds whose job and which `buckets` field.
result<void> check_capacity(const sync_info& info, std::size_t limit = max_bucket_bytes);

// The same for entries re-bucketed into `count` buckets (what a start-up check read from Consul).
result<void> check_capacity(const std::vector<entry_size>& entries, std::size_t count,
                            std::size_t limit = max_bucket_bytes);

// A check_capacity error told for the job: its name, and whose `buckets` setting to raise (a destination
// adopts its origin's bucket count, so there it is the origin job's).
error capacity_error_for(error e, std::string_view job, bool origin_role);

}  // namespace vk::sync

#endif
