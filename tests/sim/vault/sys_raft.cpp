// sys/storage/raft/configuration, snapshot (streamed download) and snapshot / snapshot-force (restore).
#include <chrono>

#include "snapshot_faults.hpp"
#include "sys_common.hpp"
#include "vault_json.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
std::int64_t now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool allowed(sys_call& c, const char* path, const char* capability)
{
    return c.vault.logic().allowed(c.token, path, capability, c.vault.now());
}
}  // namespace

simc::response handle_raft_configuration(sys_call& c)
{
    if (c.req.method != "GET")
        return method_not_allowed();
    if (!allowed(c, "sys/storage/raft/configuration", "read"))
        return vault_error(403, "permission denied");
    json::array servers;
    for (std::size_t i = 0; i < c.vault.size(); ++i)
    {
        if (c.vault.node(i).empty)  // a replacement that has not joined yet is no peer
            continue;
        // A killed node stays a raft peer (as a crashed server would) until it is removed.
        servers.push_back(json::object{{"node_id", c.vault.node(i).id},
                                       {"address", c.vault.cluster_addr(i)},
                                       {"leader", c.vault.active() == i},
                                       {"protocol_version", "3"},
                                       {"voter", true}});
    }
    json::object config{{"index", c.vault.raft_index()}, {"servers", std::move(servers)}};
    return sys_envelope(json::object{{"config", std::move(config)}});
}

// sys/ha-status: the active node and the standbys it hears from (unsealed and up); a sealed or stopped node
// sends no echo and is missing, as in Vault. Its data is also injected at the top level (HTTPSysInjector).
simc::response handle_ha_status(sys_call& c)
{
    if (c.req.method != "GET")
        return method_not_allowed();
    if (!allowed(c, "sys/ha-status", "read"))
        return vault_error(403, "permission denied");
    json::array nodes;
    for (std::size_t i = 0; i < c.vault.size(); ++i)
    {
        const auto& n = c.vault.node(i);
        if (!n.up || n.sealed)
            continue;
        const bool active = c.vault.active() == i;
        nodes.push_back(
            json::object{{"hostname", n.id},
                         {"api_address", c.vault.api_addr(i)},
                         {"cluster_address", "https://" + c.vault.cluster_addr(i)},
                         {"active_node", active},
                         {"last_echo", active ? json::value(nullptr) : json::value(rfc3339_nano(now_ns()))},
                         {"version", "1.21.0"}});
    }
    return sys_envelope(json::object{{"nodes", std::move(nodes)}}, true);
}

// sys/storage/raft/join, answered by the joining node itself (unauthenticated: it has no token store yet).
simc::response handle_raft_join(sys_call& c)
{
    if (c.req.method != "POST" && c.req.method != "PUT")
        return method_not_allowed();
    auto body = body_object(c.req);
    if (!body)
        return bad_json();
    const auto leader = go_string_field(*body, "leader_api_addr");
    if (!leader || leader->empty())
        return vault_error(400, "either leader_api_addr or auto_join must be provided");
    if (auto err = c.vault.join(c.node, *leader))
        return vault_error(*err);
    return simc::json_response(200, json::object{{"joined", true}});
}

simc::response handle_raft_snapshot(sys_call& c)
{
    if (c.req.method == "POST" || c.req.method == "PUT")
        return handle_raft_restore(c, false);
    if (c.req.method != "GET")
        return method_not_allowed();
    if (!allowed(c, "sys/storage/raft/snapshot", "sudo"))
        return vault_error(403, "permission denied");
    simc::response res;
    res.status = 200;
    res.set("Content-Type", "application/gzip");
    res.set("Content-Disposition", "attachment");
    auto in = c.vault.snapshot_source();
    auto& controls = snapshot_controls_instance();
    in.padding_bytes = controls.padding_bytes;
    in.generated = controls.generated;
    auto& vault = c.vault;
    res.stream = controls.wrap(snapshot_stream(std::move(in)), [&vault] { vault.step_down(); });
    return res;
}

simc::response handle_raft_restore(sys_call& c, bool force)
{
    if (c.req.method != "POST" && c.req.method != "PUT")
        return method_not_allowed();
    const char* path = force ? "sys/storage/raft/snapshot-force" : "sys/storage/raft/snapshot";
    if (!allowed(c, path, "sudo"))
        return vault_error(403, "permission denied");
    auto err =
        c.upload ? c.vault.restore_parsed(std::move(*c.upload), force) : c.vault.restore(c.req.body, force);
    if (err)
        return vault_error(*err);
    return sys_no_content();
}

}  // namespace vsim
