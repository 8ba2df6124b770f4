// The origin's publish guard over one walk (issue 10): a walk that lost more than max_publish_drop_percent of
// the published insights is held, not published as mass deletes, unless an operator approved exactly the
// paths that would vanish.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_PUBLISH_HOLD_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_PUBLISH_HOLD_HPP

#include "sync/model/approval_gate.hpp"
#include "sync/model/sync_info.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace vk::sync {

struct publish_hold
{
    std::vector<std::string> paths;  // published paths the held walk lacks
    std::string plan;                // their plan id ("" when nothing is held)
    double percent = 0.0;
    std::size_t published = 0;
    std::size_t walked = 0;

    bool held() const noexcept { return !plan.empty(); }
};

struct publish_inputs
{
    const sync_info* published = nullptr;               // the last published insights (nullptr: none yet)
    const std::vector<std::size_t>* unknown = nullptr;  // buckets of `published` a torn save left unknown
    double max_drop_percent = default_max_publish_drop_percent;
    std::chrono::milliseconds approval_ttl = default_approval_ttl;
};

// Decides whether `walked` may be published at `now`; records the verdict in `gate` (an approval of exactly
// the vanished set is used up and lets the walk through).
publish_hold decide_publish(const sync_info& walked, const publish_inputs& in, approval_gate& gate,
                            wall_clock::time_point now);

// The alert of a held publish.
error publish_held_alert(const publish_hold& h);

}  // namespace vk::sync

#endif
