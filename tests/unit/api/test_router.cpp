// Route templates, the token and scope gate, 404/405 answers.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "api/host_guard.hpp"
#include "api/router.hpp"

namespace {
using vk::api::match_pattern;

TEST(router, matches_templates_and_captures_segments)
{
    auto p = match_pattern("/v1/jobs/{name}/cycles/{id}", "/v1/jobs/sync-a/cycles/12");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->at("name"), "sync-a");
    EXPECT_EQ(p->at("id"), "12");
    EXPECT_FALSE(match_pattern("/v1/jobs/{name}", "/v1/jobs/"));
    EXPECT_FALSE(match_pattern("/v1/jobs/{name}", "/v1/jobs/a/b"));
    EXPECT_FALSE(match_pattern("/v1/jobs", "/v1/jobs/"));
    EXPECT_TRUE(match_pattern("/v1/jobs", "/v1/jobs"));
}

vk::http::response run(vk::api::router& r, std::string method, std::string path, std::string auth = "",
                       std::string host = "127.0.0.1:8290", std::string body = "")
{
    vk::http::request req;
    req.body = std::move(body);
    req.headers.set("Host", host);
    req.method = std::move(method);
    req.path = req.target = std::move(path);
    if (!auth.empty())
        req.headers.set("Authorization", auth);
    boost::asio::io_context ioc;
    vk::http::response out;
    boost::asio::co_spawn(ioc, r.dispatch(req), [&](std::exception_ptr e, vk::http::response res) {
        if (e)
            std::rethrow_exception(e);
        out = std::move(res);
    });
    ioc.run();
    return out;
}

// "sekret-token" may do everything; "reader-token-1234" only read; "operator-token-12" operate, on
// replicate-*.
const vk::api::access_list& router_tokens()
{
    static const vk::api::access_list list = [] {
        vk::admin_config admin;
        admin.token = vk::secret("sekret-token");
        admin.tokens.push_back(
            {"reader", vk::secret("reader-token-1234"), std::nullopt, vk::scope_set::parse({"read"}), {}});
        admin.tokens.push_back({"operator",
                                vk::secret("operator-token-12"),
                                std::nullopt,
                                vk::scope_set::parse({"operate"}),
                                {"replicate-*"}});
        return vk::api::access_list::from(admin);
    }();
    return list;
}

vk::api::router make_router()
{
    vk::api::router r([]() -> const vk::api::access_list& { return router_tokens(); }, nullptr);
    auto ok = [](vk::http::request&,
                 const vk::api::path_params& p) -> boost::asio::awaitable<vk::http::response> {
        co_return vk::http::response::text(200, p.empty() ? "none" : p.begin()->second);
    };
    r.add({"GET", "/v1/health", false, ok});
    r.add({"GET", "/v1/jobs/{name}", true, ok});
    r.add({"POST", "/v1/jobs/{name}", true, ok});
    return r;
}

std::string error_code_of(const vk::http::response& res)
{
    return std::string(boost::json::parse(res.body).at("error").at("code").as_string());
}

std::string message_of(const vk::http::response& res)
{
    return std::string(boost::json::parse(res.body).at("error").at("message").as_string());
}

TEST(router, dispatches_with_params_and_enforces_auth)
{
    auto r = make_router();
    EXPECT_EQ(run(r, "GET", "/v1/health").status, 200u);
    auto unauth = run(r, "GET", "/v1/jobs/x");
    EXPECT_EQ(unauth.status, 401u);
    EXPECT_EQ(error_code_of(unauth), "unauthorized");
    EXPECT_EQ(run(r, "GET", "/v1/jobs/x", "Bearer wrong").status, 401u);
    EXPECT_EQ(run(r, "GET", "/v1/jobs/x", "Basic sekret-token").status, 401u);
    auto ok = run(r, "GET", "/v1/jobs/x", "bearer sekret-token");
    EXPECT_EQ(ok.status, 200u);
    EXPECT_EQ(ok.body, "x");
}

// Issue 21: a known token without the route's scope, or limited to other jobs, is 403 naming what it lacks.
TEST(router, a_token_without_the_routes_scope_or_job_is_403)
{
    auto r = make_router();
    EXPECT_EQ(run(r, "GET", "/v1/jobs/x", "Bearer reader-token-1234").status, 200u);
    auto post = run(r, "POST", "/v1/jobs/x", "Bearer reader-token-1234");
    EXPECT_EQ(post.status, 403u);
    EXPECT_EQ(error_code_of(post), "forbidden");
    EXPECT_EQ(message_of(post), "this token lacks the \"operate\" scope");
    EXPECT_EQ(post.body.find("reader-token-1234"), std::string::npos);
    EXPECT_EQ(run(r, "POST", "/v1/jobs/replicate-eu", "Bearer operator-token-12").status, 200u);
    auto other = run(r, "POST", "/v1/jobs/backup", "Bearer operator-token-12");
    EXPECT_EQ(other.status, 403u);
    EXPECT_EQ(message_of(other), "this token may not act on job \"backup\"");
    EXPECT_EQ(run(r, "GET", "/v1/jobs/replicate-eu", "Bearer operator-token-12").status, 403u);  // no read
    EXPECT_EQ(run(r, "POST", "/v1/jobs/backup", "Bearer sekret-token").status, 200u);  // admin.token is *
}

// Issue 24: a restore drill ({"dry_run": true}) needs only operate; any other body the full restore scope.
TEST(router, a_dry_run_body_needs_the_lesser_scope)
{
    vk::api::route restore{"POST", "/v1/snapshot/{name}/restore", true, nullptr, vk::scope::restore};
    restore.dry_run_needs = vk::scope::operate;
    EXPECT_EQ(needed_scope(restore, R"({"dry_run": true})"), vk::scope::operate);
    EXPECT_EQ(needed_scope(restore, R"({"dry_run": false})"), vk::scope::restore);
    EXPECT_EQ(needed_scope(restore, R"({"dry_run": "true"})"), vk::scope::restore);
    EXPECT_EQ(needed_scope(restore, R"({"storage": "disk", "name": "a"})"), vk::scope::restore);
    EXPECT_EQ(needed_scope(restore, R"([{"dry_run": true}])"), vk::scope::restore);
    EXPECT_EQ(needed_scope(restore, R"({"dry_run": true)"), vk::scope::restore);  // does not parse
    EXPECT_EQ(needed_scope(restore, ""), vk::scope::restore);
    vk::api::route trigger{"POST", "/v1/jobs/{name}/trigger", true, nullptr};
    EXPECT_EQ(needed_scope(trigger, R"({"dry_run": true})"), vk::scope::operate);
    vk::api::route get{"GET", "/v1/jobs", true, nullptr};
    EXPECT_EQ(needed_scope(get, R"({"dry_run": true})"), vk::scope::read);

    vk::api::router r([]() -> const vk::api::access_list& { return router_tokens(); }, nullptr);
    restore.handler = [](vk::http::request&,
                         const vk::api::path_params&) -> boost::asio::awaitable<vk::http::response> {
        co_return vk::http::response::text(200, "done");
    };
    r.add(restore);
    auto drill = run(r, "POST", "/v1/snapshot/replicate-x/restore", "Bearer operator-token-12",
                     "127.0.0.1:8290", R"({"dry_run": true})");
    EXPECT_EQ(drill.status, 200u);
    auto real = run(r, "POST", "/v1/snapshot/replicate-x/restore", "Bearer operator-token-12",
                    "127.0.0.1:8290", R"({"storage": "disk", "name": "a"})");
    EXPECT_EQ(real.status, 403u);
    EXPECT_EQ(message_of(real), "this token lacks the \"restore\" scope");
}

TEST(router, unknown_path_is_404_and_wrong_method_is_405_with_allow)
{
    auto r = make_router();
    auto nf = run(r, "GET", "/v1/nothing", "Bearer sekret-token");
    EXPECT_EQ(nf.status, 404u);
    EXPECT_EQ(error_code_of(nf), "not_found");
    auto na = run(r, "DELETE", "/v1/jobs/x", "Bearer sekret-token");
    EXPECT_EQ(na.status, 405u);
    EXPECT_EQ(na.headers.get("Allow").value_or(""), "GET, POST");
    EXPECT_EQ(error_code_of(na), "method_not_allowed");
}

// Issue 15: every API answer says nosniff, /v1 answers are never cached, and a Host the API does not answer
// for (DNS rebinding) is refused before routing.
TEST(router, api_answers_are_nosniff_and_no_store_and_foreign_hosts_are_refused)
{
    auto r = make_router();
    r.set_host_check(
        [](std::string_view host) { return vk::api::host_allowed(host, 8290, {"ops.example"}); });
    for (unsigned status : {200u, 401u, 404u})
    {
        auto res = run(r, "GET", status == 200 ? "/v1/health" : status == 401 ? "/v1/jobs/x" : "/v1/none");
        EXPECT_EQ(res.status, status);
        EXPECT_EQ(res.headers.get("X-Content-Type-Options").value_or(""), "nosniff") << status;
        EXPECT_EQ(res.headers.get("Cache-Control").value_or(""), "no-store") << status;
    }
    auto rebound = run(r, "GET", "/v1/health", "", "evil.example:8290");
    EXPECT_EQ(rebound.status, 403u);
    EXPECT_EQ(error_code_of(rebound), "host_not_allowed");
    EXPECT_EQ(run(r, "GET", "/v1/health", "", "OPS.example:8290").status, 200u);
    EXPECT_EQ(run(r, "GET", "/v1/health", "", "localhost:8290").status, 200u);
}

TEST(host_guard, ip_literals_localhost_and_configured_names_with_the_listen_port)
{
    using vk::api::host_allowed;
    const std::vector<std::string> names{"vault-ops.example"};
    EXPECT_TRUE(host_allowed("127.0.0.1:8290", 8290, names));
    EXPECT_TRUE(host_allowed("10.1.2.3:8290", 8290, names));
    EXPECT_TRUE(host_allowed("[::1]:8290", 8290, names));
    EXPECT_TRUE(host_allowed("localhost", 8290, names));
    EXPECT_TRUE(host_allowed("Vault-Ops.example:8290", 8290, names));
    EXPECT_FALSE(host_allowed("127.0.0.1:9999", 8290, names)) << "another port";
    EXPECT_FALSE(host_allowed("attacker.example:8290", 8290, names));
    EXPECT_FALSE(host_allowed("127.0.0.1.attacker.example:8290", 8290, names));
    EXPECT_FALSE(host_allowed("", 8290, names));
    EXPECT_FALSE(host_allowed("[::1", 8290, names));
    EXPECT_FALSE(host_allowed("localhost:80x", 8290, names));
}

}  // namespace
