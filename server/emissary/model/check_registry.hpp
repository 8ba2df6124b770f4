// What every emissary job checking paths of one Vault shares: the set of checked paths (each once, however
// many templates and jobs read it), their phases, the round's interval (the smallest vault_check and the
// smallest max_requests_per_second of those jobs win), the request budget, and the last answer of each
// path's check, so that jobs due on the same slot send one request. Pure; the daemon keeps one per Vault.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_CHECK_REGISTRY_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_CHECK_REGISTRY_HPP

#include "emissary/model/request_budget.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vk::emissary {

// A KV v2 secret: its mount and its path inside the mount.
struct check_key
{
    std::string mount;
    std::string path;
    auto operator<=>(const check_key&) const = default;
};

// What a metadata read said about the secret's current version.
struct version_seen
{
    bool exists = false;           // false: no such secret (404)
    std::uint64_t current = 0;     // current_version
    bool current_deleted = false;  // its deletion_time passed, or it was destroyed
    auto operator<=>(const version_seen&) const = default;
};

// What a check's answer means for a value the job holds (`present`, read at `known` version): read the data
// (the version moved), record it absent (the secret or its current version is gone), or keep it.
enum class check_step
{
    keep,
    read,
    absent,
};
check_step after_check(const version_seen& seen, bool present, std::optional<std::uint64_t> known);

class check_registry
{
public:
    explicit check_registry(clock_time anchor = {})
        : anchor_(anchor)
    {
    }

    // A job's paths join (duplicates shared); the answer identifies the membership for leave().
    std::uint64_t join(const std::vector<check_key>& paths, milliseconds vault_check, double per_second);
    void leave(std::uint64_t member);

    milliseconds interval() const { return interval_; }
    std::size_t paths() const { return paths_.size(); }
    double per_second() const { return budget_.rate(); }
    // Changes whenever the interval or the set of paths does: the checkers recompute their due times.
    std::uint64_t generation() const { return generation_; }
    // The first slot of `key` after `after` (a path not registered: never).
    clock_time next_due(const check_key& key, clock_time after) const;
    // The budget's answer for one more check asked for at `now`.
    clock_time take(clock_time now) { return budget_.take(now); }
    // The same for a data read after a change. Reads are paced at the same rate on a budget of their own:
    // the checks use all of theirs once the round is stretched to it, and a read taken from it would push
    // every later check back for good (a round falling a read's worth behind per change).
    clock_time take_read(clock_time now) { return reads_.take(now); }

    // Shared answers: the check of `key` for slot `due` is under way / answered.
    void begin(const check_key& key, clock_time due);
    bool in_flight(const check_key& key, clock_time due) const;
    void answered(const check_key& key, clock_time due, const std::optional<version_seen>& seen);
    // The answer of the check for slot `due`, if one was made; nullopt inside: the check failed.
    std::optional<std::optional<version_seen>> answer_for(const check_key& key, clock_time due) const;

private:
    struct path_state
    {
        double phase = 0;
        std::size_t users = 0;
        std::optional<clock_time> slot;  // the slot of the last check begun
        bool done = false;               // that check answered
        std::optional<version_seen> seen;
    };
    struct member
    {
        std::vector<check_key> paths;
        milliseconds vault_check{};
        double per_second = 0;
    };
    void replan();

    clock_time anchor_;
    std::map<check_key, path_state> paths_;
    std::map<std::uint64_t, member> members_;
    std::uint64_t next_member_ = 0;
    std::uint64_t generation_ = 0;
    milliseconds interval_{};
    request_budget budget_;
    request_budget reads_;
};

// One job's view of the checks of one of its Vault sources (for its status).
struct source_checks
{
    std::string vault;
    std::shared_ptr<check_registry> registry;  // shared with every job reading that Vault
    std::size_t paths = 0;                     // this source's checked paths
    std::set<std::string> fallback_mounts;     // 403 on <mount>/metadata/: the data is read every check
};

}  // namespace vk::emissary

#endif
