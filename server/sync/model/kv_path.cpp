#include "sync/model/kv_path.hpp"

#include <algorithm>

namespace vk::sync {

result<kv_location> locate(std::string_view api_path, const std::vector<kv_mount>& mounts)
{
    std::size_t best = mounts.size();
    for (std::size_t i = 0; i < mounts.size(); ++i)
        if (api_path.starts_with(mounts[i].path) &&
            (best == mounts.size() || mounts[i].path.size() > mounts[best].path.size()))
            best = i;
    if (best == mounts.size())
        return make_error(errc::invalid_argument, "no KV mount holds this path", {}, std::string(api_path));
    std::string_view rest = api_path.substr(mounts[best].path.size());
    if (mounts[best].v2)
    {
        if (!rest.starts_with("data/"))
            return make_error(errc::invalid_argument,
                              "not a KV v2 data path (expected " + mounts[best].path + "data/...)", {},
                              std::string(api_path));
        rest.remove_prefix(5);
    }
    if (rest.empty() || rest.back() == '/')
        return make_error(errc::invalid_argument, "names a folder, not a secret", {}, std::string(api_path));
    return kv_location{best, std::string(rest)};
}

result<void> same_mounts(const std::vector<kv_mount>& started, const std::vector<kv_mount>& now)
{
    for (const auto& m : started)
    {
        auto it = std::find_if(now.begin(), now.end(), [&](const kv_mount& n) { return n.path == m.path; });
        if (it == now.end())
            return make_error(errc::not_found, "mount " + m.path + " no longer exists; nothing is published",
                              {}, "sys/mounts");
        if (it->v2 != m.v2)
            return make_error(errc::invalid_argument,
                              "mount " + m.path + " changed from KV " + (m.v2 ? "v2" : "v1") + " to KV " +
                                  (it->v2 ? "v2" : "v1") + " since start-up; restart the job to adopt it",
                              {}, "sys/mounts");
    }
    return {};
}

}  // namespace vk::sync
