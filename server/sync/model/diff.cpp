// vsync's diff (Compare/CompareBuckets) as one merge walk per differing bucket pair.
#include "sync/model/diff.hpp"

#include "sync/model/go_time.hpp"

#include <algorithm>

namespace vk::sync {
namespace {

go_instant parse_or_warn(std::string_view path, std::string_view side, std::string_view text,
                         std::vector<std::string>& warnings)
{
    const auto t = parse_rfc3339_nano(text);
    if (!t.ok)
        warnings.push_back(std::string(side) + " updateTime of " + std::string(path) +
                           " is not RFC3339Nano: \"" + std::string(text) + "\"");
    return t.instant;
}

void sort_by_path(std::vector<task>& tasks)
{
    std::sort(tasks.begin(), tasks.end(), [](const task& a, const task& b) { return a.path < b.path; });
}

}  // namespace

std::string_view to_string(task_op op) noexcept
{
    switch (op)
    {
    case task_op::add: return "add";
    case task_op::update: return "update";
    case task_op::remove: return "delete";
    }
    return "unknown";
}

bool needs_update(std::string_view path, insight_view origin, insight_view dest,
                  std::vector<std::string>& warnings)
{
    if (origin.type != dest.type || origin.version > dest.version)
        return true;
    if (origin == dest)
        return false;
    if (origin.type == type_kv_v1)
        return true;
    // Covers a metadata delete + re-create at the origin that restarts at an equal or lower version.
    const auto o = parse_or_warn(path, "origin", origin.update_time, warnings);
    const auto d = parse_or_warn(path, "destination", dest.update_time, warnings);
    return o > d;
}

void compare_buckets(const bucket& origin, const bucket& dest, diff_result& out)
{
    // Both buckets are sorted by path: one simultaneous walk finds adds, updates and deletes without lookups.
    auto o = origin.begin();
    auto d = dest.begin();
    while (o != origin.end() || d != dest.end())
    {
        if (d == dest.end() || (o != origin.end() && o->first < d->first))
        {
            out.add.push_back({o->first, task_op::add});
            ++o;
        }
        else if (o == origin.end() || d->first < o->first)
        {
            out.remove.push_back({out.removed_paths.emplace_back(d->first), task_op::remove});
            ++d;
        }
        else
        {
            if (needs_update(o->first, o->second, d->second, out.warnings))
                out.update.push_back({o->first, task_op::update});
            ++o;
            ++d;
        }
    }
}

result<void> check_comparable(const sync_info& origin, const sync_info& dest)
{
    if (origin.bucket_count() != dest.bucket_count())
        return make_error(errc::invalid_argument,
                          "non comparable indexes: origin has " + std::to_string(origin.bucket_count()) +
                              " buckets, destination " + std::to_string(dest.bucket_count()));
    if (origin.dirty() || dest.dirty())
        return make_error(errc::invalid_argument, "sync info compared before reindex()");
    return {};
}

bool bucket_differs(const sync_info& origin, const sync_info& dest, std::size_t i)
{
    return origin.index()[i] != dest.index()[i];
}

diff_result begin_diff(const sync_info& origin, const sync_info& dest)
{
    // At least this many adds: reserved once, so that a first copy's million tasks are not grown by doubling.
    std::size_t adds = 0;
    for (std::size_t i = 0; i < origin.bucket_count(); ++i)
        if (bucket_differs(origin, dest, i) && origin.bucket_at(i).size() > dest.bucket_at(i).size())
            adds += origin.bucket_at(i).size() - dest.bucket_at(i).size();
    diff_result out;
    out.add.reserve(adds);
    return out;
}

void sort_diff(diff_result& d)
{
    sort_by_path(d.add);
    sort_by_path(d.update);
    sort_by_path(d.remove);
}

result<diff_result> compare(const sync_info& origin, const sync_info& dest)
{
    if (auto ok = check_comparable(origin, dest); !ok)
        return ok.error();
    diff_result out = begin_diff(origin, dest);
    for (std::size_t i = 0; i < origin.bucket_count(); ++i)
        if (bucket_differs(origin, dest, i))
            compare_buckets(origin.bucket_at(i), dest.bucket_at(i), out);
    sort_diff(out);
    return out;
}

delete_guard guard_deletes(std::size_t deletes, std::size_t synced, double max_delete_percent) noexcept
{
    if (deletes == 0)
        return {};
    const double pct =
        synced == 0 ? 100.0 : 100.0 * static_cast<double>(deletes) / static_cast<double>(synced);
    return {pct > max_delete_percent, pct};
}

}  // namespace vk::sync
