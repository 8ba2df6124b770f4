// Pure auth decisions: the login request of each auth method, and when/how to refresh a token.
#ifndef VAULTKEEPER_SERVER_VAULT_AUTH_HPP
#define VAULTKEEPER_SERVER_VAULT_AUTH_HPP

#include "core/config.hpp"
#include "core/error.hpp"
#include "vault/client.hpp"
#include "vault/model/types.hpp"

#include <chrono>

namespace vk::vault {

// True for methods that can obtain a new token by themselves (approle, kubernetes, jwt).
bool can_login(const vault_auth_config& a) noexcept;

// errc::invalid_argument when the auth settings cannot work (unknown method, missing token/role_id/
// secret_id/role). Checked at client construction.
result<void> validate_auth(const vault_auth_config& a);

// The unauthenticated login call of approle/kubernetes/jwt: POST auth/<mount>/login with {role_id,
// secret_id} or {role, jwt}; mount defaults to the method name. Kubernetes and jwt read jwt_file now, never
// caching it: projected tokens rotate (errc::io_error when it cannot be read, errc::invalid_argument when it
// is blank; both name the file, never its content). errc::invalid_argument for the token method.
result<call> login_call(const vault_auth_config& a);

// A failed login's error with who tried: "vault jwt login as role "r" at auth/<mount> failed: ...".
error login_refused(const vault_auth_config& a, error e);

// What the renewal loop does next, `after` counted from when the token state was obtained.
struct renewal_plan
{
    enum class action
    {
        none,     // never expires (root, ttl 0), or cannot be refreshed: nothing to do
        renew,    // auth/token/renew-self
        relogin,  // a fresh login
    };
    action what = action::none;
    std::chrono::milliseconds after{0};
};

// Refresh at 2/3 of the TTL: renew when renewable, log in again when it is not, or when the last renewal
// came back capped (TTL under 3/4 of its creation TTL, or none left: the max TTL is near) and a login is
// possible.
renewal_plan plan_renewal(const token_info& t, bool can_login, bool after_renew) noexcept;

// Delay before trying again after a failed renewal or login: 1/6 of the TTL, between 1 s and 30 s.
std::chrono::milliseconds retry_delay(const token_info& t) noexcept;

}  // namespace vk::vault

#endif
