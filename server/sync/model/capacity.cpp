// Consul value-size checks for the sync buckets (see capacity.hpp).
#include "sync/model/capacity.hpp"

#include "sync/model/bucket_id.hpp"
#include "sync/model/bucket_json.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace vk::sync {
namespace {

std::size_t largest_bucket(const sync_info& info)
{
    std::size_t best = 0;
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        best = std::max(best, info.bucket_bytes(i));
    return best;
}

// (path_key, bytes the entry adds to a bucket's JSON including its separating comma).
std::vector<std::pair<std::uint16_t, std::size_t>> entry_sizes(const sync_info& info)
{
    std::vector<std::pair<std::uint16_t, std::size_t>> out;
    out.reserve(info.size());
    bucket one;
    std::string json;
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
        for (const auto& [path, in] : info.bucket_at(i))
        {
            // `{"path":{...}}` minus the braces is the entry; the comma makes up for one brace pair.
            one = bucket{};
            one.push_back(path, in);
            json.clear();
            append_bucket_json(json, one);
            out.emplace_back(path_key(path), json.size() - 1);
        }
    return out;
}

}  // namespace

double fill_ratio(const sync_info& info)
{
    return static_cast<double>(largest_bucket(info)) / static_cast<double>(consul_value_limit);
}

std::size_t buckets_needed(const sync_info& info, double threshold)
{
    const auto budget = static_cast<std::size_t>(threshold * static_cast<double>(consul_value_limit));
    const auto entries = entry_sizes(info);
    std::size_t total = 0;
    for (const auto& e : entries)
        total += e.second;
    // Nothing smaller than total/budget can work; walk up from there projecting exactly.
    std::size_t n = std::max<std::size_t>(1, (total + budget - 1) / std::max<std::size_t>(budget, 1));
    std::vector<std::size_t> sizes;
    for (; n <= max_bucket_count; ++n)
    {
        sizes.assign(n, 1);  // `{}` minus the comma the first entry does not have
        for (const auto& [key, bytes] : entries)
            sizes[key % n] += bytes;
        if (*std::max_element(sizes.begin(), sizes.end()) <= budget)
            return n;
    }
    return 0;
}

result<void> check_capacity(const sync_info& info, double threshold)
{
    const auto budget = static_cast<std::size_t>(threshold * static_cast<double>(consul_value_limit));
    for (std::size_t i = 0; i < info.bucket_count(); ++i)
    {
        const auto bytes = info.bucket_bytes(i);
        if (bytes <= budget)
            continue;
        const auto needed = buckets_needed(info, threshold);
        const auto pct =
            static_cast<int>(std::lround(100.0 * static_cast<double>(bytes) / consul_value_limit));
        std::string msg = "sync bucket " + std::to_string(i) + " is " + std::to_string(bytes) + " bytes (" +
                          std::to_string(pct) + "% of Consul's 512 KiB value limit, over the " +
                          std::to_string(static_cast<int>(std::lround(threshold * 100))) + "% threshold); ";
        msg += needed ? "use at least " + std::to_string(needed) + " buckets (now " +
                            std::to_string(info.bucket_count()) + ")"
                      : "even 65535 buckets would not be enough";
        return make_error(errc::too_large, std::move(msg));
    }
    return {};
}

}  // namespace vk::sync
