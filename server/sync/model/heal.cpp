// What to rewrite after an interrupted save (see heal.hpp).
#include "sync/model/heal.hpp"

namespace vk::sync {

consul_holdings consul_holdings::consistent(const std::vector<std::string>& index)
{
    return consul_holdings{index, index};
}

rewrite_set heal_writes(const consul_holdings& held, const std::vector<std::string>& wanted)
{
    rewrite_set out;
    for (std::size_t i = 0; i < wanted.size(); ++i)
        if (i >= held.buckets.size() || held.buckets[i].empty() || held.buckets[i] != wanted[i])
            out.buckets.push_back(i);
    out.index = !out.buckets.empty() || !held.index || *held.index != wanted;
    return out;
}

}  // namespace vk::sync
