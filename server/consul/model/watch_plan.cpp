// plan_watches: the things' own queries first, then folder merges, smallest coverage first.
#include "consul/model/watch_plan.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <tuple>

namespace vk::consul {

namespace {

// Query path -> kind. No two queries share a path: a prefix covers the key of the same name.
using query_map = std::map<std::string, watch_kind, std::less<>>;

// The prefix query in q that covers `path`, if any (the shortest one).
const std::string* covering_prefix(const query_map& q, std::string_view path)
{
    for (std::size_t len = 0; len <= path.size(); ++len)
        if (auto it = q.find(path.substr(0, len)); it != q.end() && it->second == watch_kind::prefix)
            return &it->first;
    return nullptr;
}

// Each watched prefix not under another, then each key under none of them.
query_map own_queries(const std::set<watch_target>& things)
{
    query_map q;
    // A set orders by path within a kind: a prefix comes before every prefix it covers.
    for (const auto& t : things)
        if (t.kind == watch_kind::prefix && !covering_prefix(q, t.path))
            q.emplace(t.path, watch_kind::prefix);
    for (const auto& t : things)
        if (t.kind == watch_kind::key && !covering_prefix(q, t.path))
            q.emplace(t.path, watch_kind::key);
    return q;
}

// The folders strictly above a path: "a/b/c" -> "a/b/", "a/", "".
std::vector<std::string_view> folders_above(std::string_view path)
{
    std::vector<std::string_view> out;
    if (path.empty())
        return out;
    out.emplace_back();
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
        if (path[i] == '/')
            out.push_back(path.substr(0, i + 1));
    return out;
}

struct candidate
{
    std::string path;
    std::size_t coverage = 0;  // watched things under it
};

// Every folder above a thing, in merge order: fewest things covered first, then the deeper, then by name.
std::vector<candidate> merge_order(const std::set<watch_target>& things)
{
    std::map<std::string_view, std::size_t> coverage;
    for (const auto& t : things)
        for (auto f : folders_above(t.path))
            ++coverage[f];
    std::vector<candidate> out;
    out.reserve(coverage.size());
    for (const auto& [path, n] : coverage)
        out.push_back({std::string(path), n});
    std::sort(out.begin(), out.end(), [](const candidate& a, const candidate& b) {
        return std::make_tuple(a.coverage, b.path.size(), std::string_view(a.path)) <
               std::make_tuple(b.coverage, a.path.size(), std::string_view(b.path));
    });
    return out;
}

// Replaces the queries under `folder` by one recursive query when that saves at least one.
void merge_under(query_map& q, const std::string& folder)
{
    auto first = q.lower_bound(folder);
    auto last = first;
    std::size_t n = 0;
    while (last != q.end() && std::string_view(last->first).starts_with(folder))
        ++last, ++n;
    if (n < 2)
        return;
    q.erase(first, last);
    q.emplace(folder, watch_kind::prefix);
}

}  // namespace

bool covers(const watch_target& q, const watch_target& t)
{
    if (q.kind == watch_kind::key)
        return t.kind == watch_kind::key && t.path == q.path;
    return t.path.starts_with(q.path);
}

watch_plan plan_watches(const std::set<watch_target>& things, std::size_t cap,
                        const std::set<std::string>& refused)
{
    cap = std::max<std::size_t>(cap, 1);
    auto q = own_queries(things);
    if (q.size() > cap)
        for (const auto& c : merge_order(things))
        {
            if (!refused.contains(c.path))
                merge_under(q, c.path);
            if (q.size() <= cap)
                break;
        }
    while (q.size() > cap)
        q.erase(std::prev(q.end()));
    watch_plan plan;
    std::map<std::string_view, std::size_t> index;
    for (const auto& [path, kind] : q)
    {
        index.emplace(path, plan.queries.size());
        plan.queries.push_back({kind, path});
    }
    for (const auto& t : things)
    {
        const std::string* by = covering_prefix(q, t.path);
        auto own = q.find(std::string_view(t.path));
        if (by)
            plan.served_by.emplace(t, index.at(*by));
        else if (own != q.end())
            plan.served_by.emplace(t, index.at(own->first));
        else
            plan.unserved.push_back(t);
    }
    return plan;
}

}  // namespace vk::consul
