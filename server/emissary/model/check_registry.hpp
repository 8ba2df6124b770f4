// What every emissary job checking paths of one Vault shares: the set of checked paths (each once, however
// many templates and jobs read it) with the jobs reading each, their phases, the round's interval (the
// smallest vault_check and the smallest max_requests_per_second of those jobs win), the request budget, the
// mounts whose metadata the token may not read, and the queue of what is due next. Pure; the daemon keeps
// one per Vault (vault_check_hub.hpp) and sends one request per path per slot for every job together.
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
// A member reading a path, and that path's index in the list it joined with.
struct check_reader
{
    std::uint64_t member = 0;
    std::uint32_t index = 0;
    auto operator<=>(const check_reader&) const = default;
};

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

    // A job's paths join (shared with other members; a path listed twice counts once, at its first index);
    // the answer identifies the membership for leave().
    std::uint64_t join(const std::vector<check_key>& paths, milliseconds vault_check, double per_second);
    void leave(std::uint64_t member);
    bool empty() const { return members_.empty(); }
    // The members reading `key` (none: not registered), in joining order.
    const std::vector<check_reader>& readers(const check_key& key) const;

    // The path whose slot came first among those due at `now`, its next slot planned strictly after `now`
    // (a round that fell behind skips the slots it missed); nullopt when nothing is due yet.
    std::optional<check_key> pop_due(clock_time now);
    // When the next path falls due (clock_time::max() when none is checked).
    clock_time next_wake(clock_time now);

    // A 403 on <mount>/metadata/ at `now`: that mount's paths are read in full at their slots for
    // metadata_retry, then a check asks for the metadata again (a policy fixed meanwhile brings the cheap
    // checks back; a 403 again falls back again).
    static constexpr std::chrono::minutes metadata_retry{5};
    void fall_back(const std::string& mount, clock_time now) { fallback_mounts_[mount] = now; }
    bool falls_back(const std::string& mount, clock_time now);

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

private:
    struct path_state
    {
        double phase = 0;
        std::vector<check_reader> readers;
    };
    struct member
    {
        std::vector<check_key> paths;
        milliseconds vault_check{};
        double per_second = 0;
    };
    void replan();
    void requeue(clock_time now);

    clock_time anchor_;
    std::map<check_key, path_state> paths_;
    std::map<std::uint64_t, member> members_;
    std::uint64_t next_member_ = 0;
    std::uint64_t generation_ = 0;
    std::set<std::pair<clock_time, check_key>> queue_;
    bool queue_stale_ = true;  // the interval or the paths changed: every due time is planned again
    std::map<std::string, clock_time> fallback_mounts_;  // since when
    milliseconds interval_{};
    request_budget budget_;
    request_budget reads_;
};

class vault_check_hub;

// One job's view of the checks of one of its Vault sources (for its status).
struct source_checks
{
    std::string vault;
    std::shared_ptr<vault_check_hub> hub;   // shared with every job reading that Vault
    std::size_t paths = 0;                  // this source's checked paths
    std::set<std::string> fallback_mounts;  // 403 on <mount>/metadata/: the data is read every check
};

}  // namespace vk::emissary

#endif
