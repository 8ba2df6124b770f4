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

// What entries add to buckets' JSON (each with its comma), summed per path key: an entry's bucket is its key
// modulo the bucket count (as vsync), so these 65,536 sums project the buckets of any count exactly, in
// 512 KiB whatever the number of secrets (a start-up check at a million held 16 bytes per secret before).
class key_sizes
{
public:
    key_sizes();
    void add(std::uint16_t key, std::size_t bytes);
    // Every entry of a bucket (as stored or as built).
    void add(const bucket& b);
    // Each bucket's JSON size with the entries spread over `count` (> 0) buckets.
    std::vector<std::size_t> at(std::size_t count) const;
    std::size_t total() const noexcept { return total_; }
    std::size_t largest_entry() const noexcept { return largest_; }

private:
    std::vector<std::size_t> bytes_;  // per key
    std::size_t total_ = 0;
    std::size_t largest_ = 0;
};

// Largest bucket JSON size / max_bucket_bytes, as of info's last reindex.
double fill_ratio(const sync_info& info);

// The smallest bucket count (1..65535) whose largest bucket, re-bucketing every entry exactly as vsync
// would, stays within `limit` bytes; 0 when even 65535 buckets are not enough.
std::size_t buckets_needed(const key_sizes& entries, std::size_t limit = max_bucket_bytes);
std::size_t buckets_needed(const sync_info& info, std::size_t limit = max_bucket_bytes);

// errc::too_large when a bucket (as of the last reindex) holds more than `limit` bytes; the message names the
// bucket, its size and the bucket count needed: "bucket 3 holds 400000 bytes ...; buckets: 300 needed (now
// 256)". The caller adds whose job and which `buckets` field.
result<void> check_capacity(const sync_info& info, std::size_t limit = max_bucket_bytes);

// The same for entries re-bucketed into `count` buckets (what a start-up check read from Consul).
result<void> check_capacity(const key_sizes& entries, std::size_t count,
                            std::size_t limit = max_bucket_bytes);

// A check_capacity error told for the job: its name, and whose `buckets` setting to raise (a destination
// adopts its origin's bucket count, so there it is the origin job's).
error capacity_error_for(error e, std::string_view job, bool origin_role);

}  // namespace vk::sync

#endif
