// What to rewrite after an interrupted save (see heal.hpp).
#include "sync/model/heal.hpp"

#include "sync/model/bucket_json.hpp"
#include "sync/model/go_format.hpp"

namespace vk::sync {

consul_holdings consul_holdings::consistent(const std::vector<std::string>& index)
{
    return consul_holdings{index, index};
}

consul_holdings holdings_from_kv(std::string_view prefix, const kv_lookup& lookup, std::size_t buckets)
{
    consul_holdings out;
    out.buckets.resize(buckets);
    for (std::size_t i = 0; i < buckets; ++i)
    {
        auto key = bucket_key(prefix, i);
        if (const std::string* v = lookup(key))
            if (auto b = decode_bucket(*v, key))
                out.buckets[i] = bucket_hash(*b);
    }
    auto key = index_key(prefix);
    if (const std::string* v = lookup(key))
        if (auto decoded = decode_index(*v, key))
            out.index = std::move(*decoded);
    return out;
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
