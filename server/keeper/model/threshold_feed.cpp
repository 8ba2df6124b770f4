// Giving a threshold of one set's shards to Vault: the counting and what the answers mean.
#include "keeper/model/threshold_feed.hpp"

#include <string>

namespace vk::keeper {

bool wants_shard(const threshold_feed& f)
{
    return f.given < f.threshold;
}

shard_answer after_shard(threshold_feed f, const std::optional<error>& failure, bool complete)
{
    ++f.given;
    if (failure)
        return {f, is_wrong_key(*failure) ? shard_outcome::wrong_key : shard_outcome::failed};
    return {f, complete ? shard_outcome::complete : shard_outcome::more};
}

bool first_shard_given(const threshold_feed& f)
{
    return f.given == 1;
}

const shard_set* set_named(const procedure_record& r, std::string_view id)
{
    for (const auto* s : {&r.current, &r.pending, &r.previous})
        if (*s && (*s)->id == id)
            return &**s;
    return nullptr;
}

result<void> threshold_readable(const shard_set& s, std::size_t readable)
{
    if (static_cast<int>(readable) >= s.threshold)
        return {};
    return make_error(errc::unavailable, "only " + std::to_string(readable) + " shards of " + s.id +
                                             " are readable; " + std::to_string(s.threshold) + " needed");
}

std::string_view unseal_label(shard_outcome o)
{
    switch (o)
    {
    case shard_outcome::complete: return "ok";
    case shard_outcome::wrong_key: return "wrong_key";
    case shard_outcome::more:
    case shard_outcome::failed: break;
    }
    return "failed";
}

bool try_next_set(shard_outcome o)
{
    return o == shard_outcome::wrong_key;
}

}  // namespace vk::keeper
