// The origin's publish guard over one walk (see publish_hold.hpp).
#include "sync/model/publish_hold.hpp"

namespace vk::sync {

publish_hold decide_publish(const sync_info& walked, const publish_inputs& in, approval_gate& gate,
                            wall_clock::time_point now)
{
    const std::string approved = gate.approved_plan(now, in.approval_ttl);
    if (!in.published)
    {
        gate.hold({}, 0);
        return {};
    }
    static const std::vector<std::size_t> none;
    auto guard = guard_publish(*in.published, walked, in.unknown ? *in.unknown : none, in.max_drop_percent);
    if (!guard.hold)
    {
        gate.hold({}, 0);
        return {};
    }
    publish_hold h{
        vanished_paths(*in.published, walked), {}, guard.percent, in.published->size(), walked.size()};
    h.plan = plan_id(h.paths);
    if (!approved.empty() && approved == h.plan)
    {
        gate.use_approval();
        gate.hold({}, 0);
        return {};
    }
    gate.hold(h.plan, h.paths.size());
    return h;
}

error publish_held_alert(const publish_hold& h)
{
    return held_alert("publish guard: the walk found " + std::to_string(h.walked) + " secrets, " +
                          std::to_string(static_cast<int>(h.percent + 0.5)) + "% fewer than the " +
                          std::to_string(h.published) + " published; nothing is published",
                      h.plan);
}

}  // namespace vk::sync
