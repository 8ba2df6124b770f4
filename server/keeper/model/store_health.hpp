// Which shard stores the keeper can use, and what follows from it. A store that cannot be listed or holds an
// object that does not open (a wrong or rotated KEK, a truncated file, bytes that are not ours, another
// object's file) is unusable: its objects are read where they still open but never written, deleted or
// "repaired" (a key given by mistake must not destroy good shards), while the other stores carry on. Pure:
// the shell reads every store and hands over what each showed.
#ifndef VAULTKEEPER_SERVER_KEEPER_MODEL_STORE_HEALTH_HPP
#define VAULTKEEPER_SERVER_KEEPER_MODEL_STORE_HEALTH_HPP

#include "core/error.hpp"
#include "keeper/model/procedure.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vk::keeper {

// What one store showed when read in full: why it cannot be used ("" when nothing failed) and its copy of
// the state record as decrypted text (nullopt when it holds none or the copy did not open).
struct store_reading
{
    std::string store;
    std::string failure;
    std::optional<std::string> record;
};

struct store_health
{
    std::string store;
    bool usable = true;
    std::string reason;  // why not ("" when usable): the object and what failed, never a key
    bool operator==(const store_health&) const = default;
};

struct record_choice
{
    procedure_record record;           // the highest seq among the copies that open (empty when none)
    std::string from;                  // the store that copy came from ("" when none)
    std::vector<store_health> health;  // every store, in the order read
    std::string unknown;               // why the record cannot be told ("" when it can): do not act on it
};

// A store error's message as a reason: without the "store <name>: " the stores put first (the reason is
// shown beside the store's name), with the path when the error has one.
std::string store_reason(std::string_view store, const error& e);

// The record to go on with: the copy with the highest seq among the stores that open (CAS versions are per
// store and do not compare; on a tie the earlier store wins). A copy that does not parse makes its store
// unusable. `unknown` is set when no copy opens while a store is unusable: what is held cannot be told, and
// an empty record must not be acted on (it would initialise over keys that only the unusable store shows).
record_choice choose_record(const std::vector<store_reading>& readings);

// The seq to write after `seq`: one more, or two more while a store is unusable. Its copy, unread, may be one
// write ahead (the primary is written before the mirrors and the daemon may have died between); skipping
// one keeps every later write ahead of it when the store comes back.
std::uint64_t next_seq(std::uint64_t seq, const std::vector<store_health>& health);

std::vector<std::string> usable_stores(const std::vector<store_health>& health);
// "store b (why); store c (why)" for every unusable store ("" when none).
std::string unusable_summary(const std::vector<store_health>& health);

// Where a new set's shards go over the usable stores only (place_shards). errc::conflict naming every
// unusable store and why when the stores left cannot keep each below the threshold; invalid_argument (as
// place_shards) when even every store could not.
result<std::vector<std::string>> placement_over_usable(int shares, int threshold,
                                                       const std::vector<store_health>& health);

// Whether the job may start with `health`: every store usable, or a set is held and `readable` shards of
// it (from any store) still reach its threshold. unavailable naming the unusable stores otherwise.
result<void> degraded_start(const procedure_record& r, int readable, const std::vector<store_health>& health);

// What to tell a human: the stores that became unusable since `alerted` (each alerted once), and the stores
// in `alerted` usable again (a later break is news again).
struct health_news
{
    std::vector<store_health> broke;
    std::vector<std::string> recovered;
};
health_news health_changes(const std::set<std::string>& alerted, const std::vector<store_health>& now);

}  // namespace vk::keeper

#endif
