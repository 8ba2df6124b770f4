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

std::vector<std::string> string_array(const json::value* v)
{
    std::vector<std::string> out;
    if (v && v->is_array())
        for (const auto& e : v->as_array())
            out.emplace_back(e.is_string() ? std::string(e.as_string()) : std::string());
    return out;
}

// keys[i] and keys_base64[i] become the OpenPGP message of share i's hex to pgp_keys[i], as Vault's.
std::optional<coded_error> encrypt_keys(json::object& out, const std::vector<std::string>& pgp_keys)
{
    std::vector<std::string> hex;
    for (const auto& k : out.at("keys").as_array())
        hex.emplace_back(k.as_string());
    auto sealed = pgp_encrypt(pgp_keys, hex);
    if (auto* msgs = std::get_if<std::vector<bytes>>(&sealed))
    {
        json::array keys, keys_b64;
        for (const auto& m : *msgs)
        {
            keys.emplace_back(hex_encode(m));
            keys_b64.emplace_back(base64_encode(m));
        }
        out["keys"] = std::move(keys);
        out["keys_base64"] = std::move(keys_b64);
        return std::nullopt;
    }
    return coded_error{500, "vault-sim: encrypting the shares failed after the keys were probed"};
}

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
    if (auto probe = pgp_encrypt(pgp_keys, std::vector<std::string>(pgp_keys.size(), "probe"));
        std::holds_alternative<coded_error>(probe))
        return vault_error(std::get<coded_error>(probe));
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
