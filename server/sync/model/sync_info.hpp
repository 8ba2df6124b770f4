// The sync info: N buckets of insights plus the per-bucket index hashes, with dirty tracking so that a
// reindex after few (or no) changes only hashes the buckets that changed.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_SYNC_INFO_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_SYNC_INFO_HPP

#include "core/error.hpp"
#include "sync/model/bucket.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

// Not thread-safe: the coroutine shells own one info per cycle on one strand. Bucket indices passed to
// accessors must be < bucket_count() (checked by assertion only).
class sync_info
{
public:
    // N empty buckets whose hashes are all empty_bucket_hash (vsync's NewInfo). errc::invalid_argument
    // unless 1 <= n <= 65535.
    static result<sync_info> create(std::size_t n);

    std::uint16_t bucket_count() const noexcept { return static_cast<std::uint16_t>(buckets_.size()); }
    std::size_t size() const;  // entries across all buckets

    // Insert or overwrite the insight of `path` (an origin data path) in its bucket.
    void put(std::string_view path, insight_view in);
    // true when the path was present.
    bool remove(std::string_view path);
    // A view valid until the path's bucket next changes.
    std::optional<insight_view> find(std::string_view path) const;

    const bucket& bucket_at(std::size_t i) const { return buckets_[i]; }
    // Replaces bucket i wholesale (a bucket read from Consul). Entries are kept where they are even if their
    // id differs: the index read says which bucket they belong to.
    void set_bucket(std::size_t i, bucket b);

    // Room in each bucket for what the same bucket of `like` holds (a walk or a first copy expected to end
    // where `like` is), so that a million puts do not grow every bucket by doubling. Nothing when the
    // bucket counts differ.
    void reserve_like(const sync_info& like);

    // Recomputes the hash and JSON size of every bucket changed since the last reindex, and only those.
    void reindex();
    // The same for bucket i alone (a shell spreading a reindex over several turns of its event loop).
    void reindex_bucket(std::size_t i);
    bool dirty(std::size_t i) const { return dirty_[i] != 0; }
    bool dirty() const noexcept { return dirty_count_ != 0; }

    // Index hashes and bucket JSON sizes as of the last reindex() (create() starts clean).
    const std::vector<std::string>& index() const noexcept { return index_; }
    std::size_t bucket_bytes(std::size_t i) const { return bytes_[i]; }

private:
    explicit sync_info(std::uint16_t n);
    void touch(std::size_t i);

    std::vector<bucket> buckets_;
    std::vector<std::string> index_;
    std::vector<std::size_t> bytes_;
    std::vector<char> dirty_;  // char, not vector<bool>: cheap per-bucket flags
    std::size_t dirty_count_ = 0;
};

// The same entries spread over n buckets (reindexed): how a destination adopts the origin's bucket count
// before diffing (vsync instead dies on "non comparable indexes"). errc::invalid_argument for a bad n.
result<sync_info> rebucket(const sync_info& info, std::size_t n);

}  // namespace vk::sync

#endif
