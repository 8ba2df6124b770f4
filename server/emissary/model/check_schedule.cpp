// Phases as fractions of the interval: a change of interval (paths added, a smaller budget) keeps each
// path's place in the round.
#include "emissary/model/check_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

namespace vk::emissary {

milliseconds effective_check_interval(std::size_t paths, milliseconds vault_check, double per_second)
{
    const double rate = per_second > 0 ? per_second : 1.0;
    const auto needed = milliseconds(static_cast<milliseconds::rep>(std::ceil(1000.0 * paths / rate)));
    return std::max({vault_check, needed, milliseconds(static_cast<milliseconds::rep>(paths))});
}

std::vector<double> spread_phases(std::size_t n)
{
    std::vector<double> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(static_cast<double>(i) / static_cast<double>(n));
    return out;
}

std::vector<double> slot_in(std::vector<double> existing, std::size_t added)
{
    if (existing.empty())
        return spread_phases(added);
    std::sort(existing.begin(), existing.end());
    struct gap
    {
        double start;
        double length;
        std::size_t pieces;  // the gap is cut into this many equal parts
        double part() const { return length / static_cast<double>(pieces); }
        bool operator<(const gap& o) const
        {
            return part() != o.part() ? part() < o.part() : start > o.start;  // ties: the earliest gap
        }
    };
    std::priority_queue<gap> widest;
    for (std::size_t i = 0; i < existing.size(); ++i)
    {
        const double end = i + 1 < existing.size() ? existing[i + 1] : existing.front() + 1.0;  // wraps
        widest.push(gap{existing[i], end - existing[i], 1});
    }
    for (std::size_t i = 0; i < added; ++i)
    {
        auto g = widest.top();
        widest.pop();
        ++g.pieces;
        widest.push(g);
    }
    std::vector<double> out;
    out.reserve(added);
    for (; !widest.empty(); widest.pop())
        for (std::size_t k = 1; k < widest.top().pieces; ++k)
            out.push_back(std::fmod(widest.top().start + widest.top().part() * static_cast<double>(k), 1.0));
    std::sort(out.begin(), out.end());
    return out;
}

clock_time next_check(clock_time anchor, double phase, milliseconds interval, clock_time after)
{
    const auto step = std::chrono::duration_cast<clock_time::duration>(interval);
    const auto first =
        anchor + std::chrono::duration_cast<clock_time::duration>(interval * std::clamp(phase, 0.0, 1.0));
    if (step.count() <= 0 || first > after)
        return first;
    const auto rounds = (after - first) / step + 1;
    return first + step * rounds;
}

}  // namespace vk::emissary
