// Fault and latency injection state.
#include "common/faults.hpp"

namespace simc {

std::optional<fail_rule> fault_injector::take_failure(std::string_view method, std::string_view path)
{
    for (auto it = rules_.begin(); it != rules_.end(); ++it)
    {
        bool verb_ok = it->method.empty() || it->method == "*" || it->method == method;
        if (!verb_ok || !path.starts_with(it->path_prefix))
            continue;
        if (it->skip > 0)
        {
            --it->skip;
            return std::nullopt;
        }
        fail_rule hit = *it;
        if (--it->remaining == 0)
            rules_.erase(it);
        return hit;
    }
    return std::nullopt;
}

bool fault_injector::take_drop()
{
    if (drops_ == 0)
        return false;
    --drops_;
    return true;
}

void fault_injector::reset()
{
    latency_ = std::chrono::milliseconds{0};
    rules_.clear();
    drops_ = 0;
    counters_.clear();
}

std::string route_key(std::string_view method, std::string_view path, unsigned segments)
{
    // Cut after the `segments`-th segment: "/v1/kv/a/b" with 2 -> "/v1/kv".
    std::size_t pos = 0;
    for (unsigned i = 0; i < segments && pos != std::string_view::npos; ++i)
        pos = path.find('/', pos + 1);
    auto prefix = pos == std::string_view::npos ? path : path.substr(0, pos);
    std::string key(method);
    key += ' ';
    key += prefix;
    return key;
}

}  // namespace simc
