// Internal: the state behind vk::vault::client, shared by client.cpp (requests) and session.cpp (token).
#ifndef VAULTKEEPER_SERVER_VAULT_CLIENT_IMPL_HPP
#define VAULTKEEPER_SERVER_VAULT_CLIENT_IMPL_HPP

#include "vault/client.hpp"

#include <boost/asio/steady_timer.hpp>

namespace vk::vault {

struct client::impl
{
    boost::asio::any_io_executor ex;
    vault_config cfg;
    std::unique_ptr<http::client> http;
    std::string endpoint;

    secret token;
    token_info info;
    std::chrono::steady_clock::time_point obtained{};  // when `info` was current
    bool after_renew = false;                          // `info` comes from a renewal
    std::uint64_t generation = 0;                      // bumped at each new token
    std::uint64_t logins = 0;
    std::uint64_t renewals = 0;

    // Single-flight re-login: callers hitting an invalid token while a login runs wait on this timer,
    // which the login cancels when it is done.
    bool login_in_flight = false;
    bool last_login_ok = false;             // outcome of the last login, for those who waited on it
    std::optional<error> last_login_error;  // why it failed, handed to those waiters
    boost::asio::steady_timer login_done;
    // The renewal loop's sleep; a new token moves its expiry so the loop re-plans.
    boost::asio::steady_timer* renewal_timer = nullptr;

    impl(boost::asio::any_io_executor e, vault_config c)
        : ex(e),
          cfg(std::move(c)),
          login_done(e)
    {
    }

    // Installs a fresh token (or fresh state of the same token) and wakes the renewal loop.
    void adopt(std::optional<secret> new_token, token_info new_info, bool renewed);
    // Sends on the HTTP client, without the re-login logic.
    boost::asio::awaitable<result<reply>> send_once(const call& c);
    // One re-login shared by every caller that saw generation `seen` fail with an invalid token.
    boost::asio::awaitable<result<void>> relogin(std::uint64_t seen);
    // login_and_lookup() with login_in_flight set, waking the waiters at the end.
    boost::asio::awaitable<result<token_info>> exclusive_login();
    // Login with the configured method and lookup-self (session.cpp).
    boost::asio::awaitable<result<token_info>> login_and_lookup();
    boost::asio::awaitable<result<token_info>> lookup_self();
    // True when the configured node's sys/leader names `to` as the active node (the redirect hook).
    boost::asio::awaitable<bool> is_active_node(http::endpoint to);
};

}  // namespace vk::vault

#endif
