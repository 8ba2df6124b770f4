// vaultkeeper's error vocabulary: one errc enum for every expected failure, and vk::error, the value that
// carries such a failure with its context (endpoint, path, HTTP status, message) through result<T>.
#ifndef VAULTKEEPER_SERVER_CORE_ERROR_HPP
#define VAULTKEEPER_SERVER_CORE_ERROR_HPP

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace vk {

enum class errc
{
    ok = 0,
    not_found,          // the server says the item does not exist (404)
    permission_denied,  // 401/403: missing or insufficient token
    sealed,             // Vault is sealed (503 "Vault is sealed")
    uninitialized,      // Vault is not initialised (501 on sys/health)
    standby,            // answered by a standby node that cannot serve it
    rate_limited,       // 429
    bad_request,        // 400 and other 4xx the caller caused
    conflict,           // CAS mismatch, 409, lock held by another session
    too_large,          // a value or body over a size limit (ours or the server's)
    server_error,       // 5xx other than the ones above
    transport_error,    // connect, TLS handshake, reset, truncated message
    bad_response,       // the server answered something we cannot parse or did not expect
    timeout,            // a deadline or idle timeout expired
    cancelled,          // the caller cancelled (halt, shutdown, cycle end)
    invalid_argument,   // our own caller passed something invalid (bad config, bad path)
    io_error,           // local file system
    unavailable,        // cannot serve this now (a client could not be built, a job not started yet)
    internal,           // a bug: should never happen
};

const boost::system::error_category& vk_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), vk_category()};
}

// The short machine name of an errc ("not_found", "timeout"...), as used in logs, metrics and the API.
std::string_view to_string(errc e) noexcept;

// An expected failure and its context. `message` is for humans and never holds a secret value;
// `endpoint` is scheme://host:port of the server involved, `path` the API or secret path.
struct error
{
    errc code = errc::internal;
    std::string message;
    std::string endpoint;
    std::string path;
    unsigned status = 0;  // HTTP status when the failure came from a reply, else 0

    // "<code>: <message> (endpoint <e>, path <p>, status <s>)" with empty parts left out.
    std::string describe() const;
    bool is(errc c) const noexcept { return code == c; }
};

error make_error(errc code, std::string message, std::string endpoint = {}, std::string path = {});

// Throws a std::system_error describing e; lets result<T, error>::value() report errors readably.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

template <class T> using result = boost::system::result<T, error>;

}  // namespace vk

namespace boost::system {
template <> struct is_error_code_enum<vk::errc> : std::true_type
{
};
}  // namespace boost::system

#endif
