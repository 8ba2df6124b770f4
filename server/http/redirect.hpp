// Which 307/308 redirects the HTTP client may follow with the request's credentials: a redirect re-sends
// every header (X-Vault-Token, X-Consul-Token, webhook keys) and the body (login secrets), so it stays within
// the origin or the nodes of the same cluster.
#ifndef VAULTKEEPER_SERVER_HTTP_REDIRECT_HPP
#define VAULTKEEPER_SERVER_HTTP_REDIRECT_HPP

#include "core/error.hpp"
#include "http/model/url.hpp"

#include <span>

namespace vk::http {

enum class redirect_verdict
{
    follow,     // same scheme, host and port as the sender, or a trusted endpoint
    ask,        // another endpoint: follow only if the client's vouch hook confirms it (then trust it)
    downgrade,  // https -> http: always refused
};

// Pure decision for a redirect from `from` to `to`, given the endpoints already trusted (the cluster's
// nodes).
redirect_verdict judge_redirect(const endpoint& from, const endpoint& to, std::span<const endpoint> trusted);

// The error of a refused redirect: errc::bad_response naming both endpoints (scheme://host:port only, never
// the Location's path or query), with `from` as the error's endpoint.
error refused_redirect(const endpoint& from, const endpoint& to, redirect_verdict why);

}  // namespace vk::http

#endif
