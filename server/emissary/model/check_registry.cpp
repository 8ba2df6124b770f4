// Joining adds phases by slot_in (paths already checked keep theirs); leaving drops a path with its last
// user. The interval and the budget follow the strictest member.
#include "emissary/model/check_registry.hpp"

#include "emissary/model/check_schedule.hpp"

#include <algorithm>

namespace vk::emissary {

check_step after_check(const version_seen& seen, bool present, std::optional<std::uint64_t> known)
{
    if (!seen.exists || seen.current_deleted)
        return present ? check_step::absent : check_step::keep;
    return present && known == seen.current ? check_step::keep : check_step::read;
}

std::uint64_t check_registry::join(const std::vector<check_key>& paths, milliseconds vault_check,
                                   double per_second)
{
    std::vector<check_key> added;
    for (const auto& k : paths)
        if (paths_[k].users++ == 0)
            added.push_back(k);
    std::vector<double> existing;
    existing.reserve(paths_.size());
    for (const auto& [k, p] : paths_)
        if (p.users > 0 && std::find(added.begin(), added.end(), k) == added.end())
            existing.push_back(p.phase);
    std::sort(added.begin(), added.end());
    auto phases = slot_in(std::move(existing), added.size());
    for (std::size_t i = 0; i < added.size(); ++i)
        paths_[added[i]].phase = phases[i];
    members_[++next_member_] = member{paths, vault_check, per_second};
    replan();
    return next_member_;
}

void check_registry::leave(std::uint64_t id)
{
    auto m = members_.find(id);
    if (m == members_.end())
        return;
    for (const auto& k : m->second.paths)
        if (auto p = paths_.find(k); p != paths_.end() && --p->second.users == 0)
            paths_.erase(p);
    members_.erase(m);
    replan();
}

void check_registry::replan()
{
    ++generation_;
    if (members_.empty())
        return;
    auto strictest = members_.begin()->second;
    for (const auto& [id, m] : members_)
    {
        strictest.vault_check = std::min(strictest.vault_check, m.vault_check);
        strictest.per_second = std::min(strictest.per_second, m.per_second);
    }
    budget_.set_rate(strictest.per_second);
    reads_.set_rate(strictest.per_second);
    interval_ = effective_check_interval(paths_.size(), strictest.vault_check, strictest.per_second);
}

clock_time check_registry::next_due(const check_key& key, clock_time after) const
{
    auto p = paths_.find(key);
    if (p == paths_.end())
        return clock_time::max();
    return next_check(anchor_, p->second.phase, interval_, after);
}

void check_registry::begin(const check_key& key, clock_time due)
{
    if (auto p = paths_.find(key); p != paths_.end())
    {
        p->second.slot = due;
        p->second.done = false;
    }
}

bool check_registry::in_flight(const check_key& key, clock_time due) const
{
    auto p = paths_.find(key);
    return p != paths_.end() && p->second.slot == due && !p->second.done;
}

void check_registry::answered(const check_key& key, clock_time due, const std::optional<version_seen>& seen)
{
    auto p = paths_.find(key);
    if (p == paths_.end() || p->second.slot != due)
        return;
    p->second.done = true;
    p->second.seen = seen;
}

std::optional<std::optional<version_seen>> check_registry::answer_for(const check_key& key,
                                                                      clock_time due) const
{
    auto p = paths_.find(key);
    if (p == paths_.end() || p->second.slot != due || !p->second.done)
        return std::nullopt;
    return p->second.seen;
}

}  // namespace vk::emissary
