// The origin's walk of its KV mounts: list every folder recursively and read each secret's metadata (KV v2)
// or data (KV v1) with a bounded number of requests in flight, paced by an optional token bucket, into the
// insights of a fresh sync info.
#ifndef VAULTKEEPER_SERVER_SYNC_ORIGIN_WALK_HPP
#define VAULTKEEPER_SERVER_SYNC_ORIGIN_WALK_HPP

#include "core/error.hpp"
#include "core/secret.hpp"
#include "core/token_bucket.hpp"
#include "sync/model/kv_path.hpp"
#include "sync/model/sync_info.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vk::vault {
class client;
}

namespace vk::sync {

struct walk_options
{
    std::size_t workers = 16;
    token_bucket* pace = nullptr;  // null: unpaced
    bool list_only = false;        // count secrets without reading them (the start-up deadline check)
    const vk::secret* insight_key = nullptr;  // keys KV v1 insights; required when a mount is KV v1
    const sync_info* expect = nullptr;        // the last walk's info: its bucket sizes are reserved up front
};

struct walk_result
{
    std::optional<sync_info> info;  // the insights (absent with list_only)
    std::size_t folders = 0;        // LIST requests sent
    std::size_t secrets = 0;        // secrets found by the listing
    std::size_t skipped = 0;        // deleted/destroyed current version, or gone since listed
    std::size_t requests = 0;       // every Vault request of the walk
};

// Errors: the first failed Vault request (the walk stops sending once one failed, so a sealed origin costs
// one round of requests, not one per secret), naming its path; errc::bad_response for a metadata reply
// that does not parse; errc::invalid_argument for a bad bucket count.
boost::asio::awaitable<result<walk_result>> walk_origin(vault::client& c, const std::vector<kv_mount>& mounts,
                                                        std::size_t buckets, const walk_options& opts);

}  // namespace vk::sync

#endif
