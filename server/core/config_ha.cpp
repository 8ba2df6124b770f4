// The "ha" block: job locks through Consul sessions or Kubernetes Leases, with the timing rules each needs
// and this replica's default name.
#include "core/config_ha.hpp"

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include <unistd.h>

namespace vk {
namespace {

std::string host_name()
{
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
        std::snprintf(host, sizeof host, "%s", "vaultkeeper");
    return host;
}

// "<hostname>-<pid>": unique among replicas on one host and across hosts.
std::string default_replica_id()
{
    return host_name() + "-" + std::to_string(::getpid());
}

// A Kubernetes object name (DNS subdomain: lower-case letters, digits, '-' and '.'), or the start of one
// (`prefix`: may be empty and may end in '-' or '.').
bool kubernetes_name(const std::string& s, bool prefix)
{
    static const std::regex whole("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    static const std::regex start("([a-z0-9][a-z0-9.-]*)?");
    return s.size() <= 253 && std::regex_match(s, prefix ? start : whole);
}

// Keys of one lock kind refused with the other.
void refuse_keys(object_reader& r, std::initializer_list<const char*> keys, const char* owner)
{
    for (const char* key : keys)
        if (r.raw(key))
            r.problem(key, std::string("only goes with ") + owner);
}

void read_ha_consul(object_reader& r, const config& cfg, ha_config& ha)
{
    ha.consul = r.string("consul", need::required).value_or("");
    if (!ha.consul.empty() && !cfg.consuls.contains(ha.consul))
        r.problem("consul", "no consul named \"" + ha.consul + "\" is defined under /consuls");
    ha.key = r.string("key", need::required).value_or("");
    ha.session_ttl = r.dur_or("session_ttl", ha.session_ttl);
    // Consul sessions get half of it (Consul frees a dead session's locks 2 x its TTL after the last
    // renewal), and Consul's smallest session TTL is 10s.
    if (ha.session_ttl < std::chrono::seconds(20) || ha.session_ttl > std::chrono::hours(24))
        r.problem(
            "session_ttl",
            "must be between 20s and 24h (sessions are created with half of it; Consul's minimum is 10s)");
    ha.replica_id = r.string_or("replica_id", default_replica_id());
    refuse_keys(r, {"namespace", "lease_prefix", "lease_duration", "renew_deadline", "retry_period"},
                "kubernetes");
}

// client-go's NewLeaderElector rule: lease_duration > renew_deadline > 1.2 x retry_period (> 0).
void check_lease_timing(object_reader& r, const ha_config& ha)
{
    const char* rule = " (lease_duration > renew_deadline > 1.2 x retry_period, as client-go requires)";
    if (ha.retry_period <= duration(0))
        r.problem("retry_period", "must be positive");
    else if (ha.renew_deadline * 10 <= ha.retry_period * 12)
        r.problem("renew_deadline", std::string("must be longer than 1.2 x retry_period") + rule);
    if (ha.lease_duration <= ha.renew_deadline)
        r.problem("lease_duration", std::string("must be longer than renew_deadline") + rule);
}

void read_ha_kubernetes(object_reader& r, const config& cfg, ha_config& ha)
{
    ha.kubernetes = r.string("kubernetes", need::required).value_or("");
    if (!ha.kubernetes.empty() && !cfg.kubernetes.contains(ha.kubernetes))
        r.problem("kubernetes",
                  "no kubernetes cluster named \"" + ha.kubernetes + "\" is defined under /kubernetes");
    ha.namespace_ = r.string_or("namespace", "");
    if (r.has("namespace") && (!kubernetes_name(ha.namespace_, false) || ha.namespace_.size() > 63 ||
                               ha.namespace_.find('.') != std::string::npos))
        r.problem("namespace", "must be a Kubernetes namespace name (1-63 of [a-z0-9-])");
    ha.lease_prefix = r.string_or("lease_prefix", ha.lease_prefix);
    if (!kubernetes_name(ha.lease_prefix, true) || ha.lease_prefix.size() > 190)
        r.problem("lease_prefix",
                  "must start a Kubernetes object name: [a-z0-9] then [a-z0-9.-], at most 190 characters");
    ha.lease_duration = r.dur_or("lease_duration", ha.lease_duration);
    ha.renew_deadline = r.dur_or("renew_deadline", ha.renew_deadline);
    ha.retry_period = r.dur_or("retry_period", ha.retry_period);
    check_lease_timing(r, ha);
    auto pod = r.inputs().env("POD_NAME");
    ha.replica_id = r.string_or("replica_id", pod && !pod->empty() ? *pod : host_name());
    refuse_keys(r, {"key", "session_ttl"}, "consul");
}

}  // namespace

void read_ha(object_reader& root, config& cfg)
{
    auto r = root.object("ha");
    if (!r)
        return;
    ha_config ha;
    const bool by_consul = r->has("consul");
    if (by_consul && r->raw("kubernetes"))
        r->problem("kubernetes",
                   "cannot be given with consul: locks are Consul sessions or Kubernetes Leases");
    if (!by_consul && r->has("kubernetes"))
        read_ha_kubernetes(*r, cfg, ha);
    else
        read_ha_consul(*r, cfg, ha);
    if (ha.replica_id.empty())
        r->problem("replica_id", "must not be empty");
    ha.balance = r->boolean_or("balance", ha.balance);
    r->finish();
    cfg.ha = std::move(ha);
}

}  // namespace vk
