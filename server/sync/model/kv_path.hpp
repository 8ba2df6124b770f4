// Where an API path of a KV secret lives: which mount, which path inside it. Sync paths are raw API paths
// ("secret/data/app/db" for KV v2, "kv1/app/db" for KV v1), as vsync records and transforms them.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_KV_PATH_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_KV_PATH_HPP

#include "core/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vk::sync {

// A KV mount of the origin as sys/mounts describes it.
struct kv_mount
{
    std::string path;  // "secret/"
    bool v2 = true;
};

struct kv_location
{
    std::size_t mount = 0;  // index into the mounts given
    std::string rel;        // the secret's path inside the mount (after "data/" for KV v2)
};

// The longest mount that prefixes `api_path`; for a KV v2 mount the path must continue with "data/".
// errc::invalid_argument naming the path when no mount holds it, or when it is a KV v2 path that is not a
// data path (e.g. a transform produced "<mount>metadata/...").
result<kv_location> locate(std::string_view api_path, const std::vector<kv_mount>& mounts);

// Each cycle the origin re-reads its mounts (issue 10: a vanished mount's LIST answers 404, which a walk
// reads as an empty folder). errc::not_found naming a mount of `started` missing from `now`;
// errc::invalid_argument naming one whose KV version changed.
result<void> same_mounts(const std::vector<kv_mount>& started, const std::vector<kv_mount>& now);

}  // namespace vk::sync

#endif
