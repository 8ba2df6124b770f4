// Joining adds phases by slot_in (paths already checked keep theirs); leaving drops a path with its last
// reader. The interval and the budget follow the strictest member; any change plans every due time again.
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
    const auto id = ++next_member_;
    std::vector<check_key> mine, added;
    for (std::uint32_t i = 0; i < paths.size(); ++i)
    {
        auto& readers = paths_[paths[i]].readers;
        if (!readers.empty() && readers.back().member == id)
            continue;  // listed before
        if (readers.empty())
            added.push_back(paths[i]);
        readers.push_back({id, i});
        mine.push_back(paths[i]);
    }
    std::sort(added.begin(), added.end());
    std::vector<double> existing;
    existing.reserve(paths_.size());
    for (const auto& [k, p] : paths_)
        if (!std::binary_search(added.begin(), added.end(), k))
            existing.push_back(p.phase);
    auto phases = slot_in(std::move(existing), added.size());
    for (std::size_t i = 0; i < added.size(); ++i)
        paths_[added[i]].phase = phases[i];
    members_[id] = member{std::move(mine), vault_check, per_second};
    replan();
    return id;
}

void check_registry::leave(std::uint64_t id)
{
    auto m = members_.find(id);
    if (m == members_.end())
        return;
    for (const auto& k : m->second.paths)
        if (auto p = paths_.find(k); p != paths_.end())
        {
            std::erase_if(p->second.readers, [id](const check_reader& r) { return r.member == id; });
            if (p->second.readers.empty())
                paths_.erase(p);
        }
    members_.erase(m);
    replan();
}

const std::vector<check_reader>& check_registry::readers(const check_key& key) const
{
    static const std::vector<check_reader> none;
    auto p = paths_.find(key);
    return p == paths_.end() ? none : p->second.readers;
}

void check_registry::replan()
{
    ++generation_;
    queue_stale_ = true;
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

void check_registry::requeue(clock_time now)
{
    if (!queue_stale_)
        return;
    queue_stale_ = false;
    queue_.clear();
    for (const auto& [k, p] : paths_)
        queue_.emplace(next_check(anchor_, p.phase, interval_, now), k);
}

std::optional<check_key> check_registry::pop_due(clock_time now)
{
    requeue(now);
    if (queue_.empty() || queue_.begin()->first > now)
        return std::nullopt;
    auto node = queue_.extract(queue_.begin());
    auto key = node.value().second;
    node.value().first = next_check(anchor_, paths_.at(key).phase, interval_, now);
    queue_.insert(std::move(node));
    return key;
}

clock_time check_registry::next_wake(clock_time now)
{
    requeue(now);
    return queue_.empty() ? clock_time::max() : queue_.begin()->first;
}

bool check_registry::falls_back(const std::string& mount, clock_time now)
{
    auto f = fallback_mounts_.find(mount);
    if (f == fallback_mounts_.end())
        return false;
    if (now - f->second < metadata_retry)
        return true;
    fallback_mounts_.erase(f);
    return false;
}

clock_time check_registry::next_due(const check_key& key, clock_time after) const
{
    auto p = paths_.find(key);
    if (p == paths_.end())
        return clock_time::max();
    return next_check(anchor_, p->second.phase, interval_, after);
}

}  // namespace vk::emissary
