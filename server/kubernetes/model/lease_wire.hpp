// coordination.k8s.io/v1 Lease bodies: what a GET answers, and what a POST or PUT sends for an election step.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_MODEL_LEASE_WIRE_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_MODEL_LEASE_WIRE_HPP

#include "core/error.hpp"
#include "kubernetes/model/lease_election.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vk::kubernetes {

// The spec and metadata.resourceVersion of a Lease; errc::bad_response naming what is wrong.
result<lease_read> decode_lease(std::string_view body);

struct named_lease
{
    std::string name;
    lease_read lease;
};
// The items of a LeaseList (GET of a namespace's Leases).
result<std::vector<named_lease>> decode_lease_list(std::string_view body);

// The Lease object for a create (no resourceVersion) or an update (step.resource_version as precondition).
std::string encode_lease(const std::string& name, const std::string& ns, const election_step& step);

// The Lease of job `job`: <prefix><job> when that is a valid object name (lowercase letters, digits, '-' and
// '.', at most 253); otherwise <prefix> + the job name lowercased with other characters as '-' + '-' and 8
// hex digits of a hash of the name (so "Sync" and "sync" stay apart).
std::string lease_name(const std::string& prefix, const std::string& job);

// The path of the Leases of a namespace, and of one of them.
std::string leases_path(const std::string& ns);
std::string lease_path(const std::string& ns, const std::string& name);

}  // namespace vk::kubernetes

#endif
