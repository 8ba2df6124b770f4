// Refuses cross-origin mutations: a browser page from another origin must not make a logged-in operator's
// browser halt jobs or approve deletes (the token lives in the page's session, but defence in depth costs
// one header check).
#ifndef VAULTKEEPER_SERVER_API_ORIGIN_GUARD_HPP
#define VAULTKEEPER_SERVER_API_ORIGIN_GUARD_HPP

#include "http/message.hpp"

namespace vk::api {

// True for GET and HEAD, for requests without an Origin header (curl, scripts, Prometheus), and for an
// Origin "http(s)://<host[:port]>" naming exactly the Host the request was sent to. "Origin: null" (sandboxed
// frames, file: pages) and any other origin are refused.
bool origin_allowed(const http::request& req);

}  // namespace vk::api

#endif
