// The replicas that are alive, from the Lease each one holds for itself (HA balancing): a member Lease counts
// while it names a holder and changed less than its leaseDurationSeconds ago on this replica's clock — the
// holder's timestamps come from another machine, so expiry is counted from our own observation, as client-go
// does for job Leases.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_MODEL_LEASE_MEMBERS_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_MODEL_LEASE_MEMBERS_HPP

#include "kubernetes/model/lease_wire.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace vk::kubernetes {

// The start of every member Lease's name: `lease_prefix` without one trailing '-' or '.' (or "vaultkeeper"
// when empty), then "--replica-". A job's Lease never starts so: job names start with a letter or digit.
std::string member_lease_prefix(const std::string& lease_prefix);
// The member Lease of `replica`.
std::string member_lease_name(const std::string& lease_prefix, const std::string& replica);

class lease_members
{
public:
    // A listing of the namespace's Leases at `now`; Leases that are not members' are ignored.
    void saw(const std::string& lease_prefix, const std::vector<named_lease>& leases,
             election_clock::time_point now);
    // The holders of the member Leases still alive at `now`.
    std::set<std::string> live(election_clock::time_point now) const;

private:
    struct observed
    {
        lease_spec spec;
        election_clock::time_point changed;
    };
    std::map<std::string, observed> by_name_;
};

}  // namespace vk::kubernetes

#endif
