// Giving one shard set to Vault a shard at a time until it completes (unseal, rekey update, rekey verify,
// audit): at most the set's threshold of shards, and what each answer means for the keys. Pure: the shell
// sends a shard while wants_shard() says so and hands Vault's answer to after_shard().
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_THRESHOLD_FEED_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_THRESHOLD_FEED_HPP

#include "core/error.hpp"
#include "keeper/model/procedure.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace vk::keeper {

enum class shard_outcome
{
    more,       // accepted and not complete: the next shard, if the threshold allows one
    complete,   // Vault completed the operation with the shards given
    wrong_key,  // Vault refused the shards as the wrong key: the set is dead
    failed,     // any other failure: it says nothing about the keys
};

struct threshold_feed
{
    int threshold = 0;
    int given = 0;  // shards given so far
    bool operator==(const threshold_feed&) const = default;
};

// Whether another shard is to be given: fewer than the threshold so far. A feed that ends while this still
// holds ran out of shards; one that ends with it false gave the threshold without Vault completing.
bool wants_shard(const threshold_feed& f);

struct shard_answer
{
    threshold_feed feed;  // with the shard just given counted
    shard_outcome outcome = shard_outcome::more;
};

// What Vault's answer to one more shard means: `failure` its error (nullopt when Vault accepted the shard),
// `complete` whether the operation completed with it.
shard_answer after_shard(threshold_feed f, const std::optional<error>& failure, bool complete);

// An answer's error for after_shard (nullopt when it succeeded).
template <class T> std::optional<error> failure_of(const result<T>& r)
{
    if (r)
        return std::nullopt;
    return r.error();
}

// Whether `f` has just given its first shard (the shell's "...-partial" crash points follow it).
bool first_shard_given(const threshold_feed& f);

// The set named `id` among the record's current, pending and previous sets (nullptr when none is).
const shard_set* set_named(const procedure_record& r, std::string_view id);

// Whether `readable` shards of `s` are enough to give: unavailable "only N shards of ID are readable; T
// needed" when they are below its threshold.
result<void> threshold_readable(const shard_set& s, std::size_t readable);

// The unseal metric's outcome label: ok, wrong_key or failed (a feed that ended short counts as failed).
std::string_view unseal_label(shard_outcome o);

// Whether an unseal goes on to the next set after `o`: only after the wrong key (another set may be the
// right one); any other failure would fail the same way with every set.
bool try_next_set(shard_outcome o);

}  // namespace vk::keeper

#endif
