// Origin paths that a destination's transforms map onto one destination path: such a pair would overwrite
// each other in turn, and the delete of one would remove the secret the other still feeds.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_COLLISIONS_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_COLLISIONS_HPP

#include "core/error.hpp"
#include "sync/model/diff.hpp"
#include "sync/model/sync_info.hpp"
#include "sync/model/transform.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace vk::sync {

// Two origin paths (first < second) that both transform to `destination`.
struct path_collision
{
    std::string destination;
    std::string first;
    std::string second;
    bool operator==(const path_collision&) const = default;
};

struct collision_check
{
    std::vector<path_collision> collisions;  // sorted by destination, then first
    std::size_t dropped_copies = 0;          // adds/updates of colliding origin paths taken out of the run
    // Deleted origin paths whose destination path another live origin path still feeds: the delete is
    // dropped and the shell forgets them in its info (the destination secret stays).
    std::vector<std::string> forget;
};

// Takes out of `run` every add/update of an origin path that collides with another live origin path of
// `origin` (neither is copied until the transforms or the origin change), and every delete whose
// destination path a live origin path still feeds. With only the identity transform no two paths collide
// and nothing is computed.
collision_check guard_collisions(std::vector<task>& run, const sync_info& origin, const transform_pack& pack);

// errc::conflict naming both origin paths and the destination path they share.
error describe(const path_collision& c);

}  // namespace vk::sync

#endif
