// sys/health, sys/leader and sys/step-down (http/sys_health.go, http/sys_leader.go semantics).
#include <chrono>
#include <ctime>

#include "sys_common.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
std::string rfc3339(std::chrono::system_clock::time_point t)
{
    const auto secs = std::chrono::system_clock::to_time_t(t);
    const auto nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() % 1000000000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lldZ", static_cast<long long>(nanos));
    return std::string(buf) + frac;
}

// Status code from the decision order of sys_health.go; nullopt when a query parameter does not parse.
std::optional<unsigned> health_code(sys_call& c)
{
    auto code = [&](const char* param, unsigned fallback) -> std::optional<unsigned> {
        const auto* v = c.req.param(param);
        if (!v)
            return fallback;
        try
        {
            std::size_t used = 0;
            const int n = std::stoi(*v, &used);
            if (used != v->size() || n < 0)
                return std::nullopt;
            return static_cast<unsigned>(n);
        }
        catch (const std::exception&)
        {
            return std::nullopt;
        }
    };
    auto flag = [&](const char* param) -> std::optional<bool> {
        const auto* v = c.req.param(param);
        return v ? parse_go_bool(*v) : std::optional<bool>(false);
    };
    const auto standbyok = flag("standbyok");
    const auto perfstandbyok = flag("perfstandbyok");
    const auto active = code("activecode", 200), standby = code("standbycode", 429),
               sealed = code("sealedcode", 503), uninit = code("uninitcode", 501),
               dr = code("drsecondarycode", 472), perf = code("performancestandbycode", 473),
               removed = code("removedcode", 530), haunhealthy = code("haunhealthycode", 474);
    if (!standbyok || !perfstandbyok || !active || !standby || !sealed || !uninit || !dr || !perf ||
        !removed || !haunhealthy)
        return std::nullopt;
    const auto& n = c.vault.node(c.node);
    if (!c.vault.initialized(c.node))
        return *uninit;
    if (n.sealed)
        return *sealed;
    if (c.vault.active() != c.node && !*standbyok)
        return *standby;
    return *active;
}
}  // namespace

simc::response handle_health(sys_call& c)
{
    if (c.req.method != "GET" && c.req.method != "HEAD")
        return method_not_allowed();
    const auto status = health_code(c);
    if (!status)
        return simc::json_errors(400, {});
    const auto& n = c.vault.node(c.node);
    json::object o{{"initialized", c.vault.initialized(c.node)},
                   {"sealed", n.sealed},
                   {"standby", c.vault.active() != c.node},
                   {"performance_standby", false},
                   {"replication_performance_mode", "disabled"},
                   {"replication_dr_mode", "disabled"},
                   {"server_time_utc", std::time(nullptr)},
                   {"version", "1.21.0"},
                   {"enterprise", false},
                   {"echo_duration_ms", 0},
                   {"clock_skew_ms", 0},
                   {"replication_primary_canary_age_ms", 0},
                   {"removed_from_cluster", false}};
    if (!n.sealed && c.vault.initialized(c.node))
    {
        o["cluster_name"] = c.vault.cluster_name();
        o["cluster_id"] = c.vault.cluster_id();
    }
    if (!n.sealed && c.vault.active() != c.node)
    {
        o["ha_connection_healthy"] = true;
        o["last_request_forwarding_heartbeat_ms"] = 0;
    }
    return simc::json_response(*status, o);
}

simc::response handle_leader(sys_call& c)
{
    if (c.req.method != "GET")
        return method_not_allowed();
    // core.Leader() fails with ErrSealed on a sealed node, which respondError turns into a 503.
    const auto& n = c.vault.node(c.node);
    if (n.sealed)
        return sealed_error();
    const auto active = c.vault.active();
    const bool known = active.has_value();
    json::object o{{"ha_enabled", true},
                   {"is_self", active == c.node},
                   {"active_time", n.active_since ? rfc3339(*n.active_since) : "0001-01-01T00:00:00Z"},
                   {"leader_address", known ? c.vault.api_addr(*active) : ""},
                   {"leader_cluster_address", known ? "https://" + c.vault.cluster_addr(*active) : ""},
                   {"performance_standby", false},
                   {"performance_standby_last_remote_wal", 0},
                   {"raft_committed_index", c.vault.raft_index()},
                   {"raft_applied_index", c.vault.raft_index()}};
    return simc::json_response(200, o);
}

simc::response handle_step_down(sys_call& c)
{
    if (c.req.method != "PUT" && c.req.method != "POST")
        return method_not_allowed();
    if (!c.vault.logic().allowed(c.token, "sys/step-down", "sudo", c.vault.now()))
        return vault_error(403, "permission denied");
    c.vault.step_down();
    return sys_no_content();
}

}  // namespace vsim
