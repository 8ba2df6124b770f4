// Member Leases: their names, and liveness by observed change.
#include "kubernetes/model/lease_members.hpp"

namespace vk::kubernetes {

std::string member_lease_prefix(const std::string& lease_prefix)
{
    std::string base = lease_prefix;
    if (!base.empty() && (base.back() == '-' || base.back() == '.'))
        base.pop_back();
    return (base.empty() ? std::string("vaultkeeper") : base) + "--replica-";
}

std::string member_lease_name(const std::string& lease_prefix, const std::string& replica)
{
    return lease_name(member_lease_prefix(lease_prefix), replica);
}

void lease_members::saw(const std::string& lease_prefix, const std::vector<named_lease>& leases,
                        election_clock::time_point now)
{
    const auto prefix = member_lease_prefix(lease_prefix);
    std::map<std::string, observed> next;
    for (const auto& l : leases)
    {
        if (!l.name.starts_with(prefix) || !l.lease.spec)
            continue;
        auto before = by_name_.find(l.name);
        const bool same = before != by_name_.end() && before->second.spec == *l.lease.spec;
        next[l.name] = {*l.lease.spec, same ? before->second.changed : now};
    }
    by_name_ = std::move(next);
}

std::set<std::string> lease_members::live(election_clock::time_point now) const
{
    std::set<std::string> out;
    for (const auto& [name, o] : by_name_)
        if (!o.spec.holder.empty() && o.changed + std::chrono::seconds(o.spec.duration_seconds) > now)
            out.insert(o.spec.holder);
    return out;
}

}  // namespace vk::kubernetes
