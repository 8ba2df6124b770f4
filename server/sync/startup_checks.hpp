// Start-up checks of a sync job: the configured mounts exist and are KV, the token may do what the walk or
// the copy needs, and the Consul sync path is writable. Each failure names the path and what is missing.
#ifndef VAULTKEEPER_SERVER_SYNC_STARTUP_CHECKS_HPP
#define VAULTKEEPER_SERVER_SYNC_STARTUP_CHECKS_HPP

#include "core/error.hpp"
#include "sync/origin_walk.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

namespace vk::vault {
class client;
}
namespace vk::consul {
class client;
}

namespace vk::sync {

// The KV mounts among `wanted` (all KV mounts of the Vault when `wanted` is empty), with their version.
// errc::not_found naming a mount that does not exist, errc::invalid_argument for one that is not KV.
boost::asio::awaitable<result<std::vector<kv_mount>>> check_mounts(vault::client& c,
                                                                   const std::vector<std::string>& wanted);

// The paths a walk lists and reads: "<mount>metadata/" for KV v2, "<mount>" for KV v1.
std::vector<std::string> walk_paths(const std::vector<kv_mount>& mounts);

// sys/capabilities-self grants every capability in `needed` on every path (root grants all).
// errc::permission_denied naming the path and the missing capability.
boost::asio::awaitable<result<void>> check_capabilities(vault::client& c,
                                                        const std::vector<std::string>& paths,
                                                        const std::vector<std::string>& needed);

// Writes, reads back, updates and deletes `<sync_path>probe-<job>` (vsync's start-up probe).
// Errors name the key and the step that failed.
boost::asio::awaitable<result<void>> probe_consul(consul::client& c, const std::string& key);

// The sync info stored under `prefix` (the index, then its buckets a few at a time, each folded into
// key_sizes as it arrives: memory bounded by those buckets, not by the fleet), re-bucketed into `buckets`
// buckets (0: as many as the stored index names), fits max_bucket_bytes. Nothing stored is fine.
// errc::too_large from check_capacity naming the bucket count needed, so a job whose info outgrew its
// `buckets` says so at start-up instead of failing its first save.
boost::asio::awaitable<result<void>> check_stored_capacity(consul::client& c, const std::string& prefix,
                                                           std::size_t buckets);

}  // namespace vk::sync

#endif
