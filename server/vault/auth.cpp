// Login requests per auth method and the token refresh plan (pure; the I/O is in session.cpp).
#include "vault/auth.hpp"

#include "core/read_file.hpp"
#include "vault/errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace vk::vault {

namespace json = boost::json;

bool can_login(const vault_auth_config& a) noexcept
{
    return a.method == "approle" || a.method == "kubernetes" || a.method == "jwt";
}

result<void> validate_auth(const vault_auth_config& a)
{
    auto bad = [](std::string m) { return make_error(errc::invalid_argument, std::move(m)); };
    if (a.method == "token")
    {
        if (!a.token || a.token->empty())
            return bad("vault auth: token method without a token (set auth.token or VAULT_TOKEN)");
        return {};
    }
    if (a.method == "approle")
    {
        if (!a.role_id || a.role_id->empty() || !a.secret_id)
            return bad("vault auth: approle needs role_id and secret_id");
        return {};
    }
    if (a.method == "kubernetes" || a.method == "jwt")
    {
        const char* file_key = a.method == "jwt" ? "token_file" : "jwt_file";
        if (a.role.empty() || a.jwt_file.empty())
            return bad("vault auth: " + a.method + " needs role and " + file_key);
        return {};
    }
    return bad("vault auth: unknown method '" + a.method + "'");
}

namespace {

// The JWT in the file, read now (it rotates). Errors name the file, never its content.
result<std::string> read_jwt(const std::string& method, const std::string& file)
{
    auto text = read_file(file);
    if (!text)
        return make_error(errc::io_error, "cannot read the JWT file (auth method " + method + ")", {}, file);
    std::string jwt = std::move(*text);
    // Service account token files may end with a newline; Vault wants the bare JWT.
    auto blank = [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; };
    while (!jwt.empty() && blank(jwt.back()))
        jwt.pop_back();
    jwt.erase(0, std::find_if_not(jwt.begin(), jwt.end(), blank) - jwt.begin());
    if (jwt.empty())
        return make_error(errc::invalid_argument, "the JWT file (auth method " + method + ") is empty", {},
                          file);
    return jwt;
}

}  // namespace

result<call> login_call(const vault_auth_config& a)
{
    if (!can_login(a))
        return make_error(errc::invalid_argument, "vault auth: method '" + a.method + "' has no login");
    call c;
    c.method = "POST";
    c.authenticated = false;
    c.path = join_path("auth", encode_path(a.mount.empty() ? a.method : a.mount), "login");
    json::object body;
    if (a.method == "approle")
    {
        body["role_id"] = a.role_id ? a.role_id->reveal() : "";
        body["secret_id"] = a.secret_id ? a.secret_id->reveal() : "";
    }
    else
    {
        auto jwt = read_jwt(a.method, a.jwt_file);
        if (!jwt)
            return jwt.error();
        body["role"] = a.role;
        body["jwt"] = *jwt;
    }
    c.body = json::serialize(body);
    return c;
}

error login_refused(const vault_auth_config& a, error e)
{
    std::string who = "vault " + a.method + " login";
    if (!a.role.empty())
        who += " as role \"" + a.role + "\"";
    who += " at auth/" + (a.mount.empty() ? a.method : a.mount);
    e.message = who + " failed: " + e.message;
    return e;
}

renewal_plan plan_renewal(const token_info& t, bool login_possible, bool after_renew) noexcept
{
    using std::chrono::milliseconds;
    // A renewal that came back with no TTL left means the max TTL is reached.
    if (t.ttl.count() <= 0)
        return after_renew && login_possible ? renewal_plan{renewal_plan::action::relogin, milliseconds(0)}
                                             : renewal_plan{};
    auto at = std::chrono::duration_cast<milliseconds>(t.ttl) * 2 / 3;
    // Vault grants the full increment unless the max TTL caps it; under 3/4 of it means capped.
    bool capped = after_renew && t.creation_ttl.count() > 0 && t.ttl * 4 < t.creation_ttl * 3;
    if (login_possible && (!t.renewable || capped))
        return {renewal_plan::action::relogin, at};
    if (t.renewable)
        return {renewal_plan::action::renew, at};
    return {};
}

std::chrono::milliseconds retry_delay(const token_info& t) noexcept
{
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t.ttl) / 6;
    return std::clamp(d, std::chrono::milliseconds(1000), std::chrono::milliseconds(30000));
}

}  // namespace vk::vault
