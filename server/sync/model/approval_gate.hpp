// One role's held change and the operator's approval of it, shared by both sync roles: the destination's
// deletion guard holds deletes, the origin's publish guard holds a walk that shrank. What is held is named by
// a plan id (approval.hpp); an approval releases exactly that set once, and expires unused after
// approval_ttl.
#ifndef VAULTKEEPER_SERVER_SYNC_MODEL_APPROVAL_GATE_HPP
#define VAULTKEEPER_SERVER_SYNC_MODEL_APPROVAL_GATE_HPP

#include "core/error.hpp"
#include "sync/model/approval.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vk::sync {

class approval_gate
{
public:
    // At the top of a cycle: drops an approval older than `ttl`; the plan id a live approval names ("" none).
    std::string approved_plan(wall_clock::time_point now, std::chrono::milliseconds ttl);

    // The cycle's guard verdict: `plan` (with `count` paths) is held now; "" when nothing is.
    void hold(std::string plan, std::size_t count);

    // The approval let this cycle's change through: it is used up.
    void use_approval() noexcept { approval_.reset(); }

    // POST approve-deletes with {"plan": requested}: accepted only for what is held now (conflict otherwise).
    result<approval> approve(std::string_view requested, wall_clock::time_point now);

    const std::string& held_plan() const noexcept { return held_plan_; }
    std::size_t held_count() const noexcept { return held_count_; }
    const std::optional<approval>& approval_given() const noexcept { return approval_; }

private:
    std::string held_plan_;  // "" when nothing is held
    std::size_t held_count_ = 0;
    std::optional<approval> approval_;  // the operator's, until used or expired
};

// The alert a held change raises each cycle: `what` held, and the plan id an operator approves it with (the
// admin API and the web page build their own URLs from the job and this id).
error held_alert(const std::string& what, const std::string& plan);

}  // namespace vk::sync

#endif
