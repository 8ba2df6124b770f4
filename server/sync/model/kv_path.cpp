#include "sync/model/kv_path.hpp"

namespace vk::sync {

result<kv_location> locate(std::string_view api_path, const std::vector<kv_mount>& mounts)
{
    std::size_t best = mounts.size();
    for (std::size_t i = 0; i < mounts.size(); ++i)
        if (api_path.starts_with(mounts[i].path) && (best == mounts.size() || mounts[i].path.size() > mounts[best].path.size()))
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

}  // namespace vk::sync
