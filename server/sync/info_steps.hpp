// The sync info's CPU-heavy passes, bucket by bucket with a yield to the io_context between buckets: at a
// million secrets each pass is about a second of work that the admin API, the HA lock renewal and other
// jobs' timers must not wait behind (DEVELOPERS.md, "Long CPU work").
#ifndef VAULTKEEPER_SERVER_SYNC_INFO_STEPS_HPP
#define VAULTKEEPER_SERVER_SYNC_INFO_STEPS_HPP

#include "core/error.hpp"
#include "sync/model/diff.hpp"
#include "sync/model/sync_info.hpp"

#include <boost/asio/awaitable.hpp>

namespace vk::sync {

// info.reindex(), one dirty bucket per step.
boost::asio::awaitable<void> reindex_in_steps(sync_info& info);

// compare(origin, dest) one differing bucket per step, its lists in bucket order (not sorted across
// buckets). Same errors as compare().
boost::asio::awaitable<result<diff_result>> compare_in_steps(const sync_info& origin, const sync_info& dest);

}  // namespace vk::sync

#endif
