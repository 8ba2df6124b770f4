// Fanning one blocking query's answer out to the things it serves: each thing's own part of the answer (a
// key's entry, a prefix's entries), and who must hear about it: only the subscribers of a thing that moved,
// so a change to one key among thousands under one recursive query re-renders only what reads that key.
#ifndef VAULTKEEPER_SERVER_CONSUL_MODEL_WATCH_FANOUT_HPP
#define VAULTKEEPER_SERVER_CONSUL_MODEL_WATCH_FANOUT_HPP

#include "consul/model/codec.hpp"
#include "consul/model/watch_plan.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

namespace vk::consul {

// What a thing looked like in an answer: its entries' count and a digest of their keys and modify indexes.
// A key that changes, comes or goes, and a prefix whose keys change, come or go, print differently.
struct watch_print
{
    std::size_t count = 0;
    std::uint64_t digest = 0;
    bool operator==(const watch_print&) const = default;
};

// The entries of an answer (sorted by key) that t reads: the key's entry (none when absent) or every entry
// whose key starts with the prefix.
std::span<const kv_entry> entries_for(const watch_target& t, std::span<const kv_entry> sorted);
watch_print print_of(std::span<const kv_entry> entries);

// The subscribers of one watched thing and what they were last told.
struct thing_audience
{
    std::optional<watch_print> told;  // nullopt: no answer yet
    std::set<std::uint64_t> subscribers;
    std::set<std::uint64_t> pending;  // new (or after a failed query): hear the next answer even unchanged

    void join(std::uint64_t id);
    void leave(std::uint64_t id);
    // A failed query: everyone hears the next answer (their value is marked as polled meanwhile).
    void lost();
    // Who hears about an answer that printed `now`: everyone when it moved, else only the pending.
    std::vector<std::uint64_t> hear(const watch_print& now);
};

}  // namespace vk::consul

#endif
