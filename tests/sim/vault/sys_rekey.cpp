// sys/rekey/init, sys/rekey/update, sys/rekey/verify (http/sys_rekey.go over rekey_machine).
#include "pgp.hpp"
#include "sys_common.hpp"

namespace vsim {
namespace json = boost::json;

namespace {
using steady = std::chrono::steady_clock;

simc::response rekey_status(sys_call& c)
{
    return simc::json_response(200, c.vault.rekey().status(c.vault.config().threshold));
}

simc::response rekey_start(sys_call& c)
{
    auto body = body_object(c.req);
    if (!body)
        return bad_json();
    rekey_request r;
    r.config = {static_cast<int>(go_int_field(*body, "secret_shares").value_or(0)),
                static_cast<int>(go_int_field(*body, "secret_threshold").value_or(0))};
    r.require_verification = go_bool_field(*body, "require_verification");
    // The Go client sends its untagged Backup field as "Backup"; go_field() matches it case-insensitively.
    r.backup = go_bool_field(*body, "backup");
    r.pgp_key_data = string_array(go_field(*body, "pgp_keys"));
    r.pgp_keys = r.pgp_key_data.size();
    if (r.pgp_keys > 0 && r.pgp_keys == static_cast<std::size_t>(r.config.shares))
    {
        if (auto err = probe_keys(r.pgp_key_data))  // before any share is generated for them
            return vault_error(*err);
        r.pgp_fingerprints = pgp_fingerprints(r.pgp_key_data).value_or(std::vector<std::string>{});
    }
    if (auto err = c.vault.rekey().init(r, steady::now()))
        return vault_error(*err);
    return rekey_status(c);
}

simc::response rekey_cancel(sys_call& c)
{
    auto body = body_object(c.req);
    std::optional<std::string> nonce;
    if (body)
        nonce = go_string_field(*body, "nonce");
    if (!nonce)
        if (const auto* q = c.req.param("nonce"))
            nonce = *q;
    if (auto err = c.vault.rekey().cancel(nonce, steady::now()))
        return vault_error(*err);
    return sys_no_content();
}

// Shared by update and verify: {"key","nonce"} with the key as hex or base64.
std::optional<std::pair<bytes, std::string>> share_and_nonce(sys_call& c, simc::response& error)
{
    auto body = body_object(c.req);
    if (!body)
    {
        error = bad_json();
        return std::nullopt;
    }
    const auto key = go_string_field(*body, "key");
    if (!key || key->empty())
    {
        error = vault_error(400, "'key' must be specified in request body as JSON");
        return std::nullopt;
    }
    auto share = decode_share(*key);
    if (!share)
    {
        error = vault_error(400, "'key' must be a valid hex or base64 string");
        return std::nullopt;
    }
    return std::make_pair(std::move(*share), go_string_field(*body, "nonce").value_or(""));
}

// pgp_keys: the pending rekey's, read before the step (a finished rekey forgets its request).
simc::response finish_step(sys_call& c, std::variant<rekey_machine::step, coded_error> result,
                           const std::vector<std::string>& pgp_keys)
{
    if (auto* err = std::get_if<coded_error>(&result))
        return vault_error(*err);
    auto& step = std::get<rekey_machine::step>(result);
    if (!pgp_keys.empty() && step.body.contains("keys"))
        if (auto err = encrypt_keys(step.body, pgp_keys))
            return vault_error(*err);
    if (step.rotated)
        c.vault.install_keyring(*step.rotated);
    return simc::json_response(200, step.body);
}
}  // namespace

simc::response handle_rekey_init(sys_call& c)
{
    if (c.req.method == "GET")
        return rekey_status(c);
    if (c.req.method == "PUT" || c.req.method == "POST")
        return rekey_start(c);
    if (c.req.method == "DELETE")
        return rekey_cancel(c);
    return method_not_allowed();
}

simc::response handle_rekey_update(sys_call& c)
{
    if (c.req.method != "PUT" && c.req.method != "POST")
        return method_not_allowed();
    simc::response error;
    auto input = share_and_nonce(c, error);
    if (!input)
        return error;
    auto& ring = *c.vault.current_ring();
    auto pgp_keys = c.vault.rekey().pgp_keys();
    return finish_step(c, c.vault.rekey().update(ring, input->first, input->second), pgp_keys);
}

simc::response handle_rekey_verify(sys_call& c)
{
    auto object_or_error = [](std::variant<json::object, coded_error> r) {
        if (auto* err = std::get_if<coded_error>(&r))
            return vault_error(*err);
        return simc::json_response(200, std::get<json::object>(r));
    };
    if (c.req.method == "GET")
        return object_or_error(c.vault.rekey().verify_status());
    if (c.req.method == "DELETE")
        return object_or_error(c.vault.rekey().verify_restart());
    if (c.req.method != "PUT" && c.req.method != "POST")
        return method_not_allowed();
    simc::response error;
    auto input = share_and_nonce(c, error);
    if (!input)
        return error;
    return finish_step(c, c.vault.rekey().verify(*c.vault.current_ring(), input->first, input->second), {});
}

}  // namespace vsim
