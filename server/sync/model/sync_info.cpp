// sync_info: bucket mutation with dirty flags, and the incremental reindex.
#include "sync/model/sync_info.hpp"

#include "sync/model/bucket_id.hpp"
#include "sync/model/bucket_json.hpp"
#include "sync/model/go_format.hpp"

#include <boost/assert.hpp>

namespace vk::sync {

result<sync_info> sync_info::create(std::size_t n)
{
    auto count = check_bucket_count(n);
    if (!count)
        return count.error();
    return sync_info(*count);
}

sync_info::sync_info(std::uint16_t n)
    : buckets_(n),
      index_(n, std::string(empty_bucket_hash)),
      bytes_(n, 2),
      dirty_(n, 0)
{
}

void sync_info::touch(std::size_t i)
{
    if (!dirty_[i])
    {
        dirty_[i] = 1;
        ++dirty_count_;
    }
}

std::size_t sync_info::size() const
{
    std::size_t n = 0;
    for (const auto& b : buckets_)
        n += b.size();
    return n;
}

void sync_info::put(std::string_view path, insight_view in)
{
    const auto id = bucket_id(path, bucket_count());
    // An identical re-put (the common case of a full origin walk) leaves the bucket clean.
    if (buckets_[id].put(path, in))
        touch(id);
}

bool sync_info::remove(std::string_view path)
{
    const auto id = bucket_id(path, bucket_count());
    if (!buckets_[id].remove(path))
        return false;
    touch(id);
    return true;
}

std::optional<insight_view> sync_info::find(std::string_view path) const
{
    return buckets_[bucket_id(path, bucket_count())].find(path);
}

void sync_info::set_bucket(std::size_t i, bucket b)
{
    BOOST_ASSERT(i < buckets_.size());
    buckets_[i] = std::move(b);
    touch(i);
}

void sync_info::reserve_like(const sync_info& like)
{
    if (like.bucket_count() != bucket_count())
        return;
    for (std::size_t i = 0; i < buckets_.size(); ++i)
        buckets_[i].reserve(like.buckets_[i].size(), like.buckets_[i].text_bytes());
}

void sync_info::reindex()
{
    if (dirty_count_ == 0)
        return;
    for (std::size_t i = 0; i < buckets_.size(); ++i)
        reindex_bucket(i);
}

void sync_info::reindex_bucket(std::size_t i)
{
    if (!dirty_[i])
        return;
    buckets_[i].shrink_to_fit();  // a bucket is mostly read from now on: its growth room is waste
    index_[i] = bucket_hash(buckets_[i]);
    bytes_[i] = bucket_json_size(buckets_[i]);
    dirty_[i] = 0;
    --dirty_count_;
}

result<sync_info> rebucket(const sync_info& info, std::size_t n)
{
    auto out = sync_info::create(n);
    if (!out)
        return out;
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        for (const auto& [path, in] : info.bucket_at(i))
            out->put(path, in);
    out->reindex();
    return out;
}

}  // namespace vk::sync
