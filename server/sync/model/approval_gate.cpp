// The held change and its approval (see approval_gate.hpp).
#include "sync/model/approval_gate.hpp"

namespace vk::sync {

std::string approval_gate::approved_plan(wall_clock::time_point now, std::chrono::milliseconds ttl)
{
    if (approval_expired(approval_, now, ttl))
        approval_.reset();
    return approval_ ? approval_->plan : std::string();
}

void approval_gate::hold(std::string plan, std::size_t count)
{
    held_count_ = plan.empty() ? 0 : count;
    held_plan_ = std::move(plan);
}

result<approval> approval_gate::approve(std::string_view requested, wall_clock::time_point now)
{
    auto accepted = accept_approval(requested, held_plan_, now);
    if (accepted)
        approval_ = *accepted;
    return accepted;
}

error held_alert(const std::string& what, const std::string& plan)
{
    return make_error(errc::conflict, what + "; held until an operator approves plan " + plan +
                                          " (the job's plan action lists the paths)");
}

}  // namespace vk::sync
