// Which blocking queries keep a set of Consul keys and prefixes fresh, at most `cap` of them per agent: keys
// under a common folder share one recursive query, so ten thousand templates never hold more long-polls than
// the agent accepts from one client (http_max_conns_per_client, 200 by default).
#ifndef VAULTKEEPER_SERVER_CONSUL_MODEL_WATCH_PLAN_HPP
#define VAULTKEEPER_SERVER_CONSUL_MODEL_WATCH_PLAN_HPP

#include <compare>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vk::consul {

enum class watch_kind
{
    key,     // one exact key
    prefix,  // every key whose name starts with the path (Consul's ?recurse: a string prefix, not a folder)
};

// One watched thing, or one query.
struct watch_target
{
    watch_kind kind = watch_kind::key;
    std::string path;
    auto operator<=>(const watch_target&) const = default;
};

// Whether query q's answer holds everything t reads: the same key, or a prefix of t's path.
bool covers(const watch_target& q, const watch_target& t);

struct watch_plan
{
    std::vector<watch_target> queries;  // sorted by path; no query covers another
    std::map<watch_target, std::size_t>
        served_by;                       // every watched thing but the unserved -> its query (an index)
    std::vector<watch_target> unserved;  // beyond the cap with every folder refused: polled instead
};

// At most max(cap, 1) queries covering every thing. Things under a watched prefix join it; with no more
// queries than the cap each remaining key keeps its exact query (the cheapest answer). Beyond the cap,
// queries are merged into recursive queries on '/' folders, the folder covering the fewest things first
// (the deeper on a tie), down to the root "" as the last resort. Deterministic: the same things give the
// same plan. `refused` folders are never merged into (the agent answered 403 to a recursive read there: with
// acl.enable_key_list_policy it wants the `list` policy); when the cap cannot be met without them, the
// queries past the cap (by path) are dropped and their things are unserved.
watch_plan plan_watches(const std::set<watch_target>& things, std::size_t cap,
                        const std::set<std::string>& refused = {});

}  // namespace vk::consul

#endif
