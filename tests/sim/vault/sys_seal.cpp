// sys/init, sys/seal-status, sys/unseal and sys/seal (http/sys_init.go, http/sys_seal.go semantics).
#include <chrono>

#include "pgp.hpp"
#include "sys_common.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
constexpr std::string_view vault_version = "1.21.0";
constexpr std::string_view build_date = "2025-10-21T19:31:34Z";
}  // namespace

json::object seal_status(cluster& vault, std::size_t i)
{
    auto& n = vault.node(i);
    json::object o{{"type", "shamir"},
                   {"initialized", vault.initialized(i)},
                   {"sealed", n.sealed},
                   {"t", vault.initialized(i) ? vault.config().threshold : 0},
                   {"n", vault.initialized(i) ? vault.config().shares : 0},
                   {"progress", n.progress.progress()},
                   {"nonce", n.progress.nonce()},
                   {"version", vault_version},
                   {"build_date", build_date},
                   {"migration", false},
                   {"recovery_seal", false},
                   {"storage_type", "raft"}};
    if (!n.sealed)
    {
        o["cluster_name"] = vault.cluster_name();
        o["cluster_id"] = vault.cluster_id();
    }
    return o;
}

simc::response handle_seal_status(sys_call& c)
{
    if (c.req.method != "GET")
        return method_not_allowed();
    return simc::json_response(200, seal_status(c.vault, c.node));
}

namespace {

}  // namespace

simc::response handle_init(sys_call& c)
{
    if (c.req.method == "GET")
        return simc::json_response(200, json::object{{"initialized", c.vault.initialized(c.node)}});
    if (c.req.method != "PUT" && c.req.method != "POST")
        return method_not_allowed();
    auto body = body_object(c.req);
    if (!body)
        return bad_json();
    if (c.vault.initialized(c.node))
        return vault_error(400, "Vault is already initialized");
    if (c.vault.initialized())  // real Vault would found a second cluster here
        return vault_error(400,
                           "vault-sim: init of an empty node beside an initialised cluster is not simulated");
    const seal_config cfg{static_cast<int>(go_int_field(*body, "secret_shares").value_or(0)),
                          static_cast<int>(go_int_field(*body, "secret_threshold").value_or(0))};
    auto pgp_keys = string_array(go_field(*body, "pgp_keys"));
    if (!pgp_keys.empty() && pgp_keys.size() != static_cast<std::size_t>(cfg.shares))
        return vault_error(400, "count mismatch between number of provided PGP keys and number of shares");
    // Every key must take a message before the cluster exists: a share that cannot be encrypted is lost.
    if (auto err = probe_keys(pgp_keys))
        return vault_error(*err);
    auto result = c.vault.init(cfg);
    if (auto* err = std::get_if<coded_error>(&result))
        return vault_error(*err);
    auto& out = std::get<json::object>(result);
    if (!pgp_keys.empty())
        if (auto err = encrypt_keys(out, pgp_keys))
            return vault_error(*err);
    return simc::json_response(200, out);
}

simc::response handle_unseal(sys_call& c)
{
    if (c.req.method != "PUT" && c.req.method != "POST")
        return method_not_allowed();
    auto body = body_object(c.req);
    if (!body)
        return bad_json();
    if (!c.vault.initialized(c.node))
        return vault_error(400, "Vault is not initialized");
    auto& n = c.vault.node(c.node);
    // reset wins over key.
    if (go_bool_field(*body, "reset"))
    {
        if (!n.sealed)
            return vault_error(400, "vault is unsealed");
        n.progress.reset();
        return simc::json_response(200, seal_status(c.vault, c.node));
    }
    const auto key = go_string_field(*body, "key");
    if (!key || key->empty())
        return vault_error(400, "'key' must be specified in request body as JSON, or 'reset' set to true");
    const auto share = decode_share(*key);
    if (!share)
        return vault_error(400, "'key' must be a valid hex or base64 string");
    if (!n.sealed)
        return simc::json_response(200, seal_status(c.vault, c.node));
    auto out = c.vault.unseal(c.node, *share);
    if (auto* failed = std::get_if<unseal_progress::failed>(&out))
        return vault_error(400, failed->message);
    return simc::json_response(200, seal_status(c.vault, c.node));
}

simc::response handle_seal(sys_call& c)
{
    if (c.req.method != "PUT" && c.req.method != "POST")
        return method_not_allowed();
    // SealWithRequest: nothing to do on a sealed node; a standby refuses (sys/seal is not forwarded).
    if (c.vault.node(c.node).sealed)
        return sys_no_content();
    if (c.vault.active() != c.node)
        return vault_error(500,
                           "1 error occurred:\n\t* vault cannot seal when in standby mode; please restart "
                           "instead\n\n");
    if (!c.vault.logic().allowed(c.token, "sys/seal", "sudo", c.vault.now()))
        return vault_error(403, "permission denied");
    c.vault.seal(c.node);
    return sys_no_content();
}

}  // namespace vsim
