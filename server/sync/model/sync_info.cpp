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

void sync_info::put(std::string_view path, insight in)
{
    const auto id = bucket_id(path, bucket_count());
    auto& b = buckets_[id];
    auto it = b.find(path);
    if (it == b.end())
    {
        b.emplace_hint(it, std::string(path), std::move(in));
        ++size_;
        touch(id);
    }
    else if (it->second != in)
    {
        // An identical re-put (the common case of a full origin walk) leaves the bucket clean.
        it->second = std::move(in);
        touch(id);
    }
}

bool sync_info::remove(std::string_view path)
{
    const auto id = bucket_id(path, bucket_count());
    auto& b = buckets_[id];
    auto it = b.find(path);
    if (it == b.end())
        return false;
    b.erase(it);
    --size_;
    touch(id);
    return true;
}

const insight* sync_info::find(std::string_view path) const
{
    const auto& b = buckets_[bucket_id(path, bucket_count())];
    auto it = b.find(path);
    return it == b.end() ? nullptr : &it->second;
}

void sync_info::set_bucket(std::size_t i, bucket b)
{
    BOOST_ASSERT(i < buckets_.size());
    size_ -= buckets_[i].size();
    size_ += b.size();
    buckets_[i] = std::move(b);
    touch(i);
}

void sync_info::reindex()
{
    if (dirty_count_ == 0)
        return;
    std::string json;  // reused across buckets: only its size is kept
    for (std::size_t i = 0; i < buckets_.size(); ++i)
    {
        if (!dirty_[i])
            continue;
        index_[i] = bucket_hash(buckets_[i]);
        json.clear();
        append_bucket_json(json, buckets_[i]);
        bytes_[i] = json.size();
        dirty_[i] = 0;
    }
    dirty_count_ = 0;
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
