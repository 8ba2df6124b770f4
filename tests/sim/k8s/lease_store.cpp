// k8s-sim's Lease (see lease_store.hpp). Wording from k8s.io/kubernetes/pkg/apis/coordination/validation.
#include "lease_store.hpp"

#include <vector>

namespace ksim {

const resource_kind& resource_of(const lease*)
{
    return leases_resource();
}

std::optional<status> validate(const lease& l)
{
    auto errors = name_errors(l.name);
    const auto& spec = l.spec;
    if (spec.lease_duration_seconds && *spec.lease_duration_seconds <= 0)
        errors.push_back("spec.leaseDurationSeconds: Invalid value: " +
                         std::to_string(*spec.lease_duration_seconds) + ": must be greater than 0");
    if (spec.lease_transitions && *spec.lease_transitions < 0)
        errors.push_back("spec.leaseTransitions: Invalid value: " + std::to_string(*spec.lease_transitions) +
                         ": must be greater than or equal to 0");
    if (spec.preferred_holder && !spec.preferred_holder->empty() &&
        (!spec.strategy || spec.strategy->empty()))
        errors.push_back("spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined");
    if (errors.empty())
        return std::nullopt;
    return invalid(l.name, errors, leases_resource());
}

std::optional<status> validate_update(const lease&, const lease&)
{
    return std::nullopt;
}

bool same_content(const lease& a, const lease& b)
{
    return a.labels == b.labels && a.annotations == b.annotations && a.spec == b.spec;
}

}  // namespace ksim
