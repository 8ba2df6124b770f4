// Jobs balanced across HA replicas, as decisions without I/O. Every replica announces itself (a member lock);
// from the live members and each job's lock holder a replica decides whether it may take a free job and how
// many of its own to hand back. The lock stays the only guard against a job running twice: these rules only
// decide who tries.
//
// - Take: a free job is taken by the least loaded replicas (own count <= every live member's count), or by
//   anyone once it has stayed free for `grace` (nobody may be left waiting on a replica that is gone).
// - Release: while no job is free, a replica holding more than ceil(jobs / members) hands back the excess,
// and
//   one holding two more than the least loaded hands back one; each released job goes to a least loaded
//   replica. Counts then differ by at most one.
#ifndef VAULTKEEPER_SERVER_APP_MODEL_BALANCE_HPP
#define VAULTKEEPER_SERVER_APP_MODEL_BALANCE_HPP

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vk::app {

struct balance_view
{
    std::string me;
    // The live members, this replica included once its announcement is seen; nullopt when unknown (the
    // members could not be listed): then nothing is released and free jobs wait out the grace.
    std::optional<std::set<std::string>> members;
    // Every job of this replica's config and its holder as seen here ("" free or unknown).
    std::map<std::string, std::string> holders;
};

// Jobs per live member (0 for a member holding none); holders that are not live members are left out.
std::map<std::string, std::size_t> held_counts(const balance_view& v);

// May this replica take a free job now (least loaded among the live members)?
bool least_loaded(const balance_view& v);

// How many of its jobs this replica should hand back now.
std::size_t excess(const balance_view& v);

// Which `n` of the held jobs to hand back: only idle ones (no cycle running: a cycle is never cut short),
// by name from the last, so repeated plans pick the same ones.
std::vector<std::string> pick_releases(const std::map<std::string, bool>& held_running, std::size_t n);

// The per-job grace of take decisions: a job refused while free is taken anyway once it has been refused for
// `grace` without anyone taking it.
class take_gate
{
public:
    using clock = std::chrono::steady_clock;
    explicit take_gate(clock::duration grace)
        : grace_(grace)
    {
    }
    bool allow(const std::string& job, bool least_loaded, clock::time_point now);
    // The job was seen held (by anyone): its next free spell starts a new grace.
    void held(const std::string& job) { refused_since_.erase(job); }

private:
    clock::duration grace_;
    std::map<std::string, clock::time_point> refused_since_;
};

}  // namespace vk::app

#endif
