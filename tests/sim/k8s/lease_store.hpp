// k8s-sim's coordination.k8s.io/v1 Lease: the object, its validation (the API server's ValidateLease), and
// its table (object_store, see object_store.hpp) with a revision counter of its own. Pure.
#ifndef VAULTKEEPER_TESTS_SIM_K8S_LEASE_STORE_HPP
#define VAULTKEEPER_TESTS_SIM_K8S_LEASE_STORE_HPP

#include "object_store.hpp"
#include "status.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ksim {

// LeaseSpec: every field optional (omitted from JSON when unset), times as canonical MicroTime strings.
struct lease_spec
{
    std::optional<std::string> holder_identity;
    std::optional<std::int64_t> lease_duration_seconds;
    std::optional<std::string> acquire_time;
    std::optional<std::string> renew_time;
    std::optional<std::int64_t> lease_transitions;
    std::optional<std::string> preferred_holder;
    std::optional<std::string> strategy;

    bool operator==(const lease_spec&) const = default;
};

struct lease : object_meta
{
    lease_spec spec;
};

const resource_kind& resource_of(const lease*);
// ValidateLease: the name (DNS subdomain), leaseDurationSeconds > 0, leaseTransitions >= 0, preferredHolder
// only with a strategy. nullopt = ok.
std::optional<status> validate(const lease& l);
// Leases have no immutable field besides the name.
std::optional<status> validate_update(const lease& next, const lease& current);
bool same_content(const lease& a, const lease& b);

using lease_store = object_store<lease>;

}  // namespace ksim

#endif
