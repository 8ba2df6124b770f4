// The web status page: GET /ui/ and its assets, embedded at build time (api/web_assets.hpp).
#ifndef VAULTKEEPER_SERVER_API_UI_ROUTES_HPP
#define VAULTKEEPER_SERVER_API_UI_ROUTES_HPP

#include "api/router.hpp"

namespace vk::api {

// The headers every /ui/ answer carries: a Content-Security-Policy that allows only the page's own files
// (no inline script or style, no framing), nosniff, no referrer.
void set_ui_security_headers(http::header_map& h);

// GET /ui/ (index.html) and /ui/<file> for every embedded file. No token: the files hold
// nothing secret; the page asks for the admin token and sends it to /v1 itself.
void add_ui_routes(router& r);

}  // namespace vk::api

#endif
