// Issue 15, "Redirects": which 307/308 targets may receive the request's credentials (pure decision).
#include "http/redirect.hpp"

#include <gtest/gtest.h>
#include <vector>

using namespace vk;
using namespace vk::http;

namespace {

endpoint at(std::string scheme, std::string host, std::uint16_t port)
{
    return {std::move(scheme), std::move(host), port};
}

}  // namespace

TEST(http_redirect, same_origin_is_followed)
{
    auto a = at("https", "vault", 8200);
    EXPECT_EQ(judge_redirect(a, a, {}), redirect_verdict::follow);
}

TEST(http_redirect, another_host_port_or_scheme_is_not_followed_by_itself)
{
    auto a = at("http", "127.0.0.1", 8200);
    EXPECT_EQ(judge_redirect(a, at("http", "127.0.0.1", 8201), {}), redirect_verdict::ask);
    EXPECT_EQ(judge_redirect(a, at("http", "evil.example", 8200), {}), redirect_verdict::ask);
    EXPECT_EQ(judge_redirect(a, at("https", "127.0.0.1", 8200), {}), redirect_verdict::ask);
}

TEST(http_redirect, trusted_cluster_nodes_are_followed)
{
    auto a = at("https", "vault-0", 8200);
    std::vector<endpoint> cluster{at("https", "vault-1", 8200), at("https", "vault-2", 8200)};
    EXPECT_EQ(judge_redirect(a, cluster[1], cluster), redirect_verdict::follow);
    EXPECT_EQ(judge_redirect(a, at("https", "vault-3", 8200), cluster), redirect_verdict::ask);
}

TEST(http_redirect, https_to_http_is_refused_even_to_a_trusted_node)
{
    auto a = at("https", "vault-0", 8200);
    std::vector<endpoint> cluster{at("http", "vault-0", 8200)};
    EXPECT_EQ(judge_redirect(a, cluster[0], cluster), redirect_verdict::downgrade);
}

TEST(http_redirect, refusal_names_both_endpoints_and_nothing_else)
{
    auto e =
        refused_redirect(at("http", "127.0.0.1", 8200), at("http", "10.0.0.9", 9000), redirect_verdict::ask);
    EXPECT_EQ(e.code, errc::bad_response);
    EXPECT_EQ(e.endpoint, "http://127.0.0.1:8200");
    EXPECT_NE(e.message.find("http://127.0.0.1:8200 -> http://10.0.0.9:9000"), std::string::npos)
        << e.message;
    auto d = refused_redirect(at("https", "a", 443), at("http", "a", 80), redirect_verdict::downgrade);
    EXPECT_NE(d.message.find("https to http"), std::string::npos) << d.message;
}
