// One pass over the origin's live paths builds destination -> feeding origin paths; the run is filtered
// against it.
#include "sync/model/collisions.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace vk::sync {
namespace {

using feeders = std::map<std::string, std::vector<std::string>, std::less<>>;

// Every destination path with the origin paths that transform to it (each list in origin path order).
feeders destinations_of(const sync_info& origin, const transform_pack& pack)
{
    feeders out;
    for (std::size_t b = 0; b < origin.bucket_count(); ++b)
        for (const auto& [path, in] : origin.bucket_at(b))
            out[pack.apply(path).path].emplace_back(path);
    for (auto& [to, from] : out)
        std::sort(from.begin(), from.end());
    return out;
}

}  // namespace

collision_check guard_collisions(std::vector<task>& run, const sync_info& origin, const transform_pack& pack)
{
    collision_check out;
    if (pack.size() <= 1 || run.empty())
        return out;  // the identity alone is injective; an empty run has nothing to guard
    const feeders fed = destinations_of(origin, pack);
    std::set<std::string, std::less<>> colliding;
    for (const auto& [to, from] : fed)
        for (std::size_t i = 1; i < from.size(); ++i)
        {
            out.collisions.push_back({to, from[0], from[i]});
            colliding.insert(from[0]);
            colliding.insert(from[i]);
        }
    std::erase_if(run, [&](const task& t) {
        if (t.op != task_op::remove)
        {
            bool drop = colliding.contains(t.path);
            out.dropped_copies += drop;
            return drop;
        }
        if (!fed.contains(pack.apply(t.path).path))
            return false;
        out.forget.emplace_back(t.path);
        return true;
    });
    return out;
}

error describe(const path_collision& c)
{
    return make_error(errc::conflict,
                      "origin paths " + c.first + " and " + c.second + " both transform to " + c.destination +
                          "; neither is copied until the transforms tell them apart",
                      "", c.destination);
}

}  // namespace vk::sync
