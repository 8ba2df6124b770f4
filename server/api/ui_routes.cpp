// Serves the embedded web page.
#include "api/ui_routes.hpp"

#include "api/web_assets.hpp"

namespace vk::api {
using boost::asio::awaitable;

namespace {

constexpr std::string_view csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// `a` points into the static table, which outlives every request.
awaitable<http::response> serve(const web_asset* a)
{
    http::response res;
    res.status = 200;
    res.headers.set("Content-Type", a->content_type);
    // The page changes with the binary: revalidate rather than keep a stale copy after an upgrade.
    res.headers.set("Cache-Control", "no-cache");
    set_ui_security_headers(res.headers);
    res.body = std::string(a->body);
    co_return res;
}

}  // namespace

void set_ui_security_headers(http::header_map& h)
{
    h.set("Content-Security-Policy", csp);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
}

void add_ui_routes(router& r)
{
    for (const web_asset& a : web_assets())
    {
        const web_asset* p = &a;
        if (a.path == "index.html")
            r.add({"GET", "/ui/", false, [p](http::request&, const path_params&) { return serve(p); }});
        r.add({"GET", "/ui/" + std::string(a.path), false,
               [p](http::request&, const path_params&) { return serve(p); }});
    }
}

}  // namespace vk::api
