// entries_for, print_of and the audience's bookkeeping.
#include "consul/model/watch_fanout.hpp"

#include <algorithm>

namespace vk::consul {

namespace {

constexpr std::uint64_t fnv_offset = 14695981039346656037ull;
constexpr std::uint64_t fnv_prime = 1099511628211ull;

std::uint64_t mix(std::uint64_t h, std::string_view bytes)
{
    for (unsigned char c : bytes)
        h = (h ^ c) * fnv_prime;
    return h;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t n)
{
    for (int i = 0; i < 8; ++i, n >>= 8)
        h = (h ^ (n & 0xff)) * fnv_prime;
    return h;
}

bool key_before(const kv_entry& e, std::string_view key)
{
    return e.key < key;
}

}  // namespace

std::span<const kv_entry> entries_for(const watch_target& t, std::span<const kv_entry> sorted)
{
    auto first = std::lower_bound(sorted.begin(), sorted.end(), std::string_view(t.path), key_before);
    auto last = first;
    if (t.kind == watch_kind::key)
    {
        if (last != sorted.end() && last->key == t.path)
            ++last;
    }
    else
        while (last != sorted.end() && last->key.starts_with(t.path))
            ++last;
    return {first, last};
}

watch_print print_of(std::span<const kv_entry> entries)
{
    watch_print p{entries.size(), fnv_offset};
    for (const auto& e : entries)
        p.digest = mix(mix(mix(p.digest, e.key), std::string_view("\0", 1)), e.modify_index);
    return p;
}

void thing_audience::join(std::uint64_t id)
{
    subscribers.insert(id);
    pending.insert(id);
}

void thing_audience::leave(std::uint64_t id)
{
    subscribers.erase(id);
    pending.erase(id);
}

void thing_audience::lost()
{
    pending = subscribers;
}

std::vector<std::uint64_t> thing_audience::hear(const watch_print& now)
{
    const bool moved = told != now;
    told = now;
    const auto& who = moved ? subscribers : pending;
    std::vector<std::uint64_t> out(who.begin(), who.end());
    pending.clear();
    return out;
}

}  // namespace vk::consul
