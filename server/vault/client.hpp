// vk::vault::client: one Vault cluster's HTTP client plus its token (login, lookup, renewal, re-login on an
// invalid token). The typed operations (sys.hpp, kv.hpp, rekey.hpp, raft.hpp) are free functions on it.
#ifndef VAULTKEEPER_SERVER_VAULT_CLIENT_HPP
#define VAULTKEEPER_SERVER_VAULT_CLIENT_HPP

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "http/client.hpp"
#include "vault/model/types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace vk::vault {

// One request to Vault, below /v1/.
struct call
{
    std::string method = "GET";
    std::string path;          // API path below /v1/, already percent-encoded (encode_path), no leading slash
    std::string query;         // without '?', already encoded
    std::string body;          // JSON text (or empty)
    std::string content_type;  // default application/json when a body is sent
    bool authenticated = true;                         // send X-Vault-Token
    std::optional<bool> idempotent;                    // default: by method (GET/PUT/DELETE are retried)
    std::optional<std::chrono::milliseconds> timeout;  // default: vault_config.request_timeout
    http::body_sink download;                          // stream a 2xx body there instead of buffering it
    std::optional<http::body_source> upload;           // stream the request body from there
};

// What Vault answered (any status).
struct reply
{
    unsigned status = 0;
    std::string body;
};

class client
{
public:
    // Builds the HTTP client from `cfg`: base URL, TLS, max_connections, request_timeout, max_response_bytes,
    // default headers X-Vault-Request: true and X-Vault-Namespace (when set). Logs a warning when TLS
    // verification is off. errc::invalid_argument for a bad address, TLS files, or an auth method other than
    // token/approle/kubernetes (or token auth without a token). No I/O happens here.
    static result<std::unique_ptr<client>> create(boost::asio::any_io_executor ex, const vault_config& cfg);

    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Logs in (approle/kubernetes; token auth uses the configured token) and looks the token up
    // (auth/token/lookup-self). Errors: those of login() and of the lookup (permission_denied for a bad
    // token, sealed, transport/timeout/cancelled). Call once before the typed operations.
    boost::asio::awaitable<result<token_info>> start();

    // A fresh login with the configured method, then lookup-self; replaces the current token.
    // approle: POST auth/<mount>/login {role_id, secret_id}; kubernetes: POST auth/<mount>/login {role, jwt}
    // (the JWT file is read at each login). Token auth: looks the configured token up again.
    // Errors: io_error (unreadable JWT file), bad_request (bad credentials), and the usual reply/transport
    // ones.
    boost::asio::awaitable<result<token_info>> login();

    // Keeps the token alive for the client's lifetime; returns only when the awaiting coroutine is
    // cancelled. Renews a renewable token at ~2/3 of its TTL (auth/token/renew-self); logs in again when
    // renewal fails, when the token is not renewable, or when renewals are being capped by its max TTL
    // (approle/kubernetes only; a failed token-auth renewal is logged and retried). Never logs the token.
    boost::asio::awaitable<void> run_renewal();

    // Sends one request and returns Vault's answer whatever its status. A 403 "invalid token" (expired or
    // revoked) on an authenticated call triggers one re-login (approle/kubernetes; shared by concurrent
    // callers) and one retry. Errors: transport_error, timeout (the per-request deadline), cancelled (the
    // awaiting coroutine was cancelled: the request stops), too_large, bad_response.
    // `c` must outlive the call.
    boost::asio::awaitable<result<reply>> send(const call& c);

    // send(), then any status outside 200..299 becomes reply_error (errors.hpp) with endpoint and path.
    boost::asio::awaitable<result<reply>> perform(const call& c);

    // `e` with this client's endpoint and `path` filled in where empty.
    error located(error e, const std::string& path) const;

    // scheme://host:port of the cluster.
    const std::string& endpoint() const noexcept;
    // The current token's state (as of the last login, lookup or renewal).
    const token_info& token() const noexcept;
    // Logins done so far (start included); tests check re-login with it.
    std::uint64_t logins() const noexcept;
    // Successful renewals so far.
    std::uint64_t renewals() const noexcept;
    // TCP connections the HTTP client opened so far (keep-alive reuse shows in benchmarks and tests).
    std::uint64_t connections_opened() const noexcept;

    struct impl;

private:
    explicit client(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace vk::vault

#endif
