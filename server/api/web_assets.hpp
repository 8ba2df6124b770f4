// The web page's files (web/ in the source tree), embedded in the binary at build time by
// cmake/web_assets.cmake, so the page works wherever the binary runs. The generated table lives in its own
// small library: no Beast, no Asio.
#ifndef VAULTKEEPER_SERVER_API_WEB_ASSETS_HPP
#define VAULTKEEPER_SERVER_API_WEB_ASSETS_HPP

#include <span>
#include <string_view>

namespace vk::api {

struct web_asset
{
    std::string_view path;          // relative to web/, e.g. "app.js"
    std::string_view content_type;  // from the extension, e.g. "text/javascript; charset=utf-8"
    std::string_view body;
};

// Every embedded file, sorted by path.
std::span<const web_asset> web_assets();

}  // namespace vk::api

#endif
