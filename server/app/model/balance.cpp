// The balance rules: counts per live member, the take and release decisions.
#include "app/model/balance.hpp"

#include <algorithm>

namespace vk::app {

std::map<std::string, std::size_t> held_counts(const balance_view& v)
{
    std::map<std::string, std::size_t> counts;
    if (!v.members)
        return counts;
    for (const auto& m : *v.members)
        counts[m] = 0;
    for (const auto& [job, holder] : v.holders)
        if (auto it = counts.find(holder); it != counts.end())
            ++it->second;
    return counts;
}

namespace {

std::size_t min_count(const std::map<std::string, std::size_t>& counts)
{
    std::size_t m = SIZE_MAX;
    for (const auto& [member, n] : counts)
        m = std::min(m, n);
    return m;
}

}  // namespace

bool least_loaded(const balance_view& v)
{
    auto counts = held_counts(v);
    auto mine = counts.find(v.me);
    return mine != counts.end() && mine->second <= min_count(counts);
}

std::size_t excess(const balance_view& v)
{
    auto counts = held_counts(v);
    auto mine = counts.find(v.me);
    if (mine == counts.end())
        return 0;
    // A free job is being picked up by someone: a release now would only add churn.
    for (const auto& [job, holder] : v.holders)
        if (!counts.contains(holder))
            return 0;
    const std::size_t jobs = v.holders.size(), members = counts.size();
    const std::size_t fair = (jobs + members - 1) / members;
    if (mine->second > fair)
        return mine->second - fair;
    return mine->second >= min_count(counts) + 2 ? 1 : 0;
}

std::vector<std::string> pick_releases(const std::map<std::string, bool>& held_running, std::size_t n)
{
    std::vector<std::string> out;
    for (auto it = held_running.rbegin(); it != held_running.rend() && out.size() < n; ++it)
        if (!it->second)
            out.push_back(it->first);
    return out;
}

bool take_gate::allow(const std::string& job, bool least_loaded, clock::time_point now)
{
    if (least_loaded)
    {
        refused_since_.erase(job);
        return true;
    }
    auto [it, first] = refused_since_.try_emplace(job, now);
    return now - it->second >= grace_;
}

}  // namespace vk::app
