// The sync info as Consul keys: `<prefix><i>` bucket JSON and `<prefix>index` (a JSON array of N hashes),
// to write and to read back with a torn-read check.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_CONSUL_LAYOUT_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_CONSUL_LAYOUT_HPP

#include "core/error.hpp"
#include "sync/model/sync_info.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

struct kv_pair
{
    std::string key;
    std::string value;
    bool operator==(const kv_pair&) const = default;
};

// "<prefix><i>" with i in decimal, unpadded (fmt.Sprintf("%s%d")); prefix like "vsync/origin/".
std::string bucket_key(std::string_view prefix, std::size_t i);
std::string index_key(std::string_view prefix);

// ["<hash0>",...] as Go's json.Marshal([]string) writes it.
std::string encode_index(const std::vector<std::string>& index);
// errc::bad_response (naming key) unless a JSON array of 1..65535 strings.
result<std::vector<std::string>> decode_index(std::string_view json, std::string_view key);

// Every key of the info, buckets 0..N-1 first and the index last (the order vsync writes them). Reindexes
// first so the index matches the buckets.
std::vector<kv_pair> to_kv(sync_info& info, std::string_view prefix);

// What a read of the Consul layout gave: the info (its index() recomputed from the bucket contents), the
// index as read, and the buckets whose content does not hash to the index read. A non-empty `torn` means
// the read raced a writer (new buckets, old index or the reverse): re-read those buckets and the index.
struct loaded_info
{
    sync_info info;
    std::vector<std::string> read_index;
    std::vector<std::size_t> torn;
};

// The buckets of `info` (reindexed) whose hash differs from `read_index` (all of them when the lengths
// differ): after re-reading only those buckets into the info (set_bucket) and the index, call again.
std::vector<std::size_t> torn_buckets(sync_info& info, const std::vector<std::string>& read_index);

// Looks a full Consul key up; nullptr when absent.
using kv_lookup = std::function<const std::string*(std::string_view key)>;

// Parses index then buckets 0..N-1 (N = the index length; stale keys >= N and other keys are ignored).
// errc::not_found naming the key when the index or a bucket is missing; errc::bad_response when one does
// not parse.
result<loaded_info> from_kv(std::string_view prefix, const kv_lookup& lookup);
result<loaded_info> from_kv(std::string_view prefix,
                            const std::map<std::string, std::string, std::less<>>& kv);

}  // namespace vk::sync

#endif
