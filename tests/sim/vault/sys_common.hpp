// What the core's sys handlers share: the per-request context, Go-style body decoding, and the handlers.
#ifndef VAULTKEEPER_TESTS_SIM_VAULT_SYS_COMMON_HPP
#define VAULTKEEPER_TESTS_SIM_VAULT_SYS_COMMON_HPP

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "cluster.hpp"
#include "common/http.hpp"

namespace vsim {

// One request as the core sees it: which node received it and which node serves it (the active node when
// a standby forwards).
struct sys_call
{
    cluster& vault;
    std::size_t node;
    const simc::request& req;
    std::string token;
    // A streamed restore body, read and checked before routing (nullptr: the body is req.body).
    snapshot_result* upload = nullptr;
};

// Go's encoding/json matches struct fields case-insensitively; the sys handlers decode untagged structs.
const boost::json::value* go_field(const boost::json::object& body, std::string_view name);
std::optional<std::string> go_string_field(const boost::json::object& body, std::string_view name);
std::optional<std::int64_t> go_int_field(const boost::json::object& body, std::string_view name);
bool go_bool_field(const boost::json::object& body, std::string_view name);
// Body as a JSON object (empty body: empty object); nullopt when it is not valid JSON.
std::optional<boost::json::object> body_object(const simc::request& req);
// strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view text);

simc::response vault_error(unsigned status, std::string message);
simc::response vault_error(const coded_error& err);
simc::response sealed_error();
simc::response method_not_allowed();
simc::response sys_no_content();
simc::response bad_json();
// The logical success envelope for sys/ paths (mount_type "system").
// `inject`: the data's keys also at the top level, as Vault's HTTPSysInjector does for some sys routes.
simc::response sys_envelope(boost::json::object data, bool inject = false);

simc::response handle_init(sys_call& c);
simc::response handle_seal_status(sys_call& c);
simc::response handle_unseal(sys_call& c);
simc::response handle_seal(sys_call& c);
simc::response handle_health(sys_call& c);
simc::response handle_leader(sys_call& c);
simc::response handle_step_down(sys_call& c);
simc::response handle_rekey_init(sys_call& c);
simc::response handle_rekey_update(sys_call& c);
simc::response handle_rekey_verify(sys_call& c);
simc::response handle_raft_configuration(sys_call& c);
simc::response handle_ha_status(sys_call& c);
simc::response handle_raft_join(sys_call& c);
simc::response handle_raft_snapshot(sys_call& c);
simc::response handle_raft_restore(sys_call& c, bool force);

// seal-status body for node i (also the sys/unseal response).
boost::json::object seal_status(cluster& vault, std::size_t node);

}  // namespace vsim

#endif
