#include "sync/info_steps.hpp"

#include "async/yield.hpp"

namespace vk::sync {

boost::asio::awaitable<void> reindex_in_steps(sync_info& info)
{
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        if (info.dirty(i))
        {
            info.reindex_bucket(i);
            co_await yield_now();
        }
}

boost::asio::awaitable<result<diff_result>> compare_in_steps(const sync_info& origin, const sync_info& dest)
{
    if (auto ok = check_comparable(origin, dest); !ok)
        co_return ok.error();
    diff_result out = begin_diff(origin, dest);
    for (std::size_t i = 0; i < origin.bucket_count(); ++i)
        if (bucket_differs(origin, dest, i))
        {
            compare_buckets(origin.bucket_at(i), dest.bucket_at(i), out);
            co_await yield_now();
        }
    co_return out;
}

}  // namespace vk::sync
