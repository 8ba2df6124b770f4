// Segment checks of LIST keys (see list_keys.hpp).
#include "sync/model/list_keys.hpp"

namespace vk::sync {
namespace {

// A folder key's trailing '/' ends it; every segment before must be a real name.
bool valid_key(std::string_view key)
{
    if (key.empty())
        return false;
    if (key.back() == '/')
        key.remove_suffix(1);
    for (;;)
    {
        auto slash = key.find('/');
        auto segment = key.substr(0, slash);
        if (segment.empty() || segment == "." || segment == "..")
            return false;
        if (slash == std::string_view::npos)
            return true;
        key.remove_prefix(slash + 1);
    }
}

}  // namespace

result<void> check_list_keys(std::string_view folder, const std::vector<std::string>& keys)
{
    for (const auto& k : keys)
        if (!valid_key(k))
            return make_error(
                errc::bad_response,
                "the LIST answer holds an unusable key \"" + k +
                    "\" (empty, or with an empty, \".\" or \"..\" segment); the folder is not walked",
                "", std::string(folder));
    return {};
}

}  // namespace vk::sync
