// Bucket-size checks for the sync buckets (see capacity.hpp).
#include "sync/model/capacity.hpp"

#include "sync/model/bucket_id.hpp"
#include "sync/model/bucket_json.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace vk::sync {
namespace {

constexpr std::size_t empty_bucket_json = 2;  // `{}`

std::size_t largest_bucket(const sync_info& info)
{
    std::size_t best = 0;
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        best = std::max(best, info.bucket_bytes(i));
    return best;
}

key_sizes sizes_of(const sync_info& info)
{
    key_sizes out;
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        out.add(info.bucket_at(i));
    return out;
}

error too_large(std::size_t bucket, std::size_t bytes, std::size_t count, std::size_t needed,
                std::size_t limit)
{
    std::string msg = "bucket " + std::to_string(bucket) + " holds " + std::to_string(bytes) +
                      " bytes, over the " + std::to_string(limit) +
                      " bytes a bucket may hold (its base64 must fit one Consul transaction of 512 KiB); ";
    msg += needed ? "buckets: " + std::to_string(needed) + " needed (now " + std::to_string(count) + ")"
                  : "even 65535 buckets would not be enough";
    return make_error(errc::too_large, std::move(msg));
}

}  // namespace

key_sizes::key_sizes()
    : bytes_(max_bucket_count + 1, 0)
{
}

void key_sizes::add(std::uint16_t key, std::size_t bytes)
{
    bytes_[key] += bytes;
    total_ += bytes;
    largest_ = std::max(largest_, bytes);
}

void key_sizes::add(const bucket& b)
{
    for (const auto& [path, in] : b)
        add(path_key(path), entry_json_size(path, in) + 1);  // with its comma
}

std::vector<std::size_t> key_sizes::at(std::size_t count) const
{
    std::vector<std::size_t> sizes(count, empty_bucket_json - 1);  // the first entry has no comma
    for (std::size_t k = 0; k < bytes_.size(); ++k)
        sizes[k % count] += bytes_[k];
    for (auto& s : sizes)
        s = std::max(s, empty_bucket_json);
    return sizes;
}

double fill_ratio(const sync_info& info)
{
    return static_cast<double>(largest_bucket(info)) / static_cast<double>(max_bucket_bytes);
}

std::size_t buckets_needed(const key_sizes& entries, std::size_t limit)
{
    limit = std::max(limit, empty_bucket_json);
    if (entries.largest_entry() + 1 > limit)  // `{` + the entry + `}` - its comma: no count can hold it
        return 0;
    // Nothing smaller than total/limit can work; walk up from there projecting exactly.
    for (std::size_t n = std::max<std::size_t>(1, (entries.total() + limit - 1) / limit);
         n <= max_bucket_count; ++n)
    {
        const auto sizes = entries.at(n);
        if (*std::max_element(sizes.begin(), sizes.end()) <= limit)
            return n;
    }
    return 0;
}

std::size_t buckets_needed(const sync_info& info, std::size_t limit)
{
    return buckets_needed(sizes_of(info), limit);
}

result<void> check_capacity(const sync_info& info, std::size_t limit)
{
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        if (const auto bytes = info.bucket_bytes(i); bytes > limit)
            return too_large(i, bytes, info.bucket_count(), buckets_needed(info, limit), limit);
    return {};
}

result<void> check_capacity(const key_sizes& entries, std::size_t count, std::size_t limit)
{
    if (count == 0)
        return {};
    const auto sizes = entries.at(count);
    for (std::size_t i = 0; i < count; ++i)
        if (sizes[i] > limit)
            return too_large(i, sizes[i], count, buckets_needed(entries, limit), limit);
    return {};
}

error capacity_error_for(error e, std::string_view job, bool origin_role)
{
    std::string who = origin_role ? "sync job \"" + std::string(job) + "\" (origin): "
                                  : "sync job \"" + std::string(job) +
                                        "\" (destination; its bucket count is the origin's): ";
    e.message = who + e.message +
                (origin_role ? "; set the job's \"buckets\" to at least that"
                             : "; set the origin job's \"buckets\" to at least that");
    return e;
}

}  // namespace vk::sync
