// Cross-origin mutations are refused; reads, scripts without Origin and the daemon's own page pass.
#include "api/origin_guard.hpp"
#include "api/web_assets.hpp"

#include <gtest/gtest.h>

namespace {
using vk::api::origin_allowed;

vk::http::request req(std::string method, std::string origin, std::string host = "127.0.0.1:8290")
{
    vk::http::request r;
    r.method = std::move(method);
    r.path = r.target = "/v1/jobs/a/halt";
    if (!host.empty())
        r.headers.set("Host", host);
    if (!origin.empty())
        r.headers.set("Origin", origin);
    return r;
}

TEST(origin_guard, reads_and_requests_without_origin_pass)
{
    EXPECT_TRUE(origin_allowed(req("GET", "https://evil.example")));
    EXPECT_TRUE(origin_allowed(req("HEAD", "https://evil.example")));
    EXPECT_TRUE(origin_allowed(req("POST", "")));
    EXPECT_TRUE(origin_allowed(req("PUT", "", "")));
}

TEST(origin_guard, the_daemons_own_origin_passes)
{
    EXPECT_TRUE(origin_allowed(req("POST", "http://127.0.0.1:8290")));
    EXPECT_TRUE(origin_allowed(req("POST", "https://127.0.0.1:8290")));
    EXPECT_TRUE(origin_allowed(req("DELETE", "HTTP://Vault-Keeper.example", "vault-keeper.example")));
}

TEST(origin_guard, other_origins_are_refused)
{
    EXPECT_FALSE(origin_allowed(req("POST", "http://evil.example")));
    EXPECT_FALSE(origin_allowed(req("POST", "http://127.0.0.1:8291")));
    EXPECT_FALSE(origin_allowed(req("POST", "http://127.0.0.1")));
    EXPECT_FALSE(origin_allowed(req("PUT", "null")));
    EXPECT_FALSE(origin_allowed(req("POST", "file://")));
    EXPECT_FALSE(origin_allowed(req("POST", "http://127.0.0.1:8290", "")));
    EXPECT_FALSE(origin_allowed(req("POST", "http://127.0.0.1:8290.evil.example")));
}

TEST(web_assets, the_page_and_its_files_are_embedded_with_their_types)
{
    bool index = false;
    for (const auto& a : vk::api::web_assets())
    {
        EXPECT_FALSE(a.body.empty()) << a.path;
        if (a.path == "index.html")
            index =
                a.content_type.starts_with("text/html") && a.body.find("<script") != std::string_view::npos;
        if (a.path.ends_with(".js"))
            EXPECT_TRUE(a.content_type.starts_with("text/javascript")) << a.path;
    }
    EXPECT_TRUE(index);
}

}  // namespace
