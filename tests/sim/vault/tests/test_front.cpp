// The HTTP front of vault-sim driven without sockets: sealed/standby gating, forwarding, redirects, headers.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "front.hpp"

namespace vsim {
namespace {
namespace json = boost::json;

simc::request make(std::string method, std::string target, std::string body = {}, std::string token = {})
{
    simc::request r;
    r.method = std::move(method);
    r.target = target;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos)
    {
        const auto query = target.substr(q + 1);
        const auto eq = query.find('=');
        r.query.emplace(query.substr(0, eq), eq == std::string::npos ? "" : query.substr(eq + 1));
    }
    r.body = std::move(body);
    if (!token.empty())
        r.headers.set("X-Vault-Token", token);
    return r;
}

std::string header(const simc::response& res, std::string_view name)
{
    for (const auto& [k, v] : res.headers)
        if (k == name)
            return v;
    return {};
}

json::value body(const simc::response& res)
{
    return json::parse(res.body);
}

struct TwoNodeFront : ::testing::Test
{
    cluster vault{cluster_options{.nodes = 2, .base_port = 8200}};

    simc::response call(std::size_t node, simc::request req)
    {
        return handle_vault_request(vault, node, req);
    }

    json::object init_and_unseal()
    {
        auto init = body(call(0, make("PUT", "/v1/sys/init", R"({"secret_shares":3,"secret_threshold":2})")));
        for (std::size_t node = 0; node < 2; ++node)
            for (int k = 0; k < 2; ++k)
                call(node,
                     make("PUT", "/v1/sys/unseal",
                          R"({"key":")" + std::string(init.at("keys").as_array()[k].as_string()) + R"("})"));
        return init.as_object();
    }
};

TEST_F(TwoNodeFront, SealedVaultRefusesLogicalRequestsButAnswersStatus)
{
    auto res = call(0, make("GET", "/v1/secret/data/x", {}, "t"));
    EXPECT_EQ(res.status, 503u);
    EXPECT_EQ(body(res), json::parse(R"({"errors":["Vault is sealed"]})"));
    EXPECT_EQ(header(res, "Cache-Control"), "no-store");
    EXPECT_EQ(call(1, make("GET", "/v1/sys/health")).status, 501u);
    EXPECT_EQ(body(call(0, make("GET", "/v1/sys/init"))), json::parse(R"({"initialized":false})"));
    EXPECT_EQ(call(0, make("DELETE", "/v1/sys/unseal")).status, 405u);
}

TEST_F(TwoNodeFront, FirstUnsealedNodeIsActiveAndStandbysForwardOrRedirect)
{
    auto init = init_and_unseal();
    const std::string root(init.at("root_token").as_string());
    EXPECT_EQ(vault.active(), 0u);
    EXPECT_EQ(call(0, make("GET", "/v1/sys/health")).status, 200u);
    EXPECT_EQ(call(1, make("GET", "/v1/sys/health")).status, 429u);
    EXPECT_EQ(call(1, make("GET", "/v1/sys/health?standbyok=true")).status, 200u);
    // Forwarded: the standby answers with the active node's state.
    EXPECT_EQ(call(1, make("GET", "/v1/sys/mounts", {}, root)).status, 200u);
    auto req = make("GET", "/v1/sys/mounts?x=1", {}, root);
    req.headers.set("X-Vault-No-Request-Forwarding", "true");
    auto redirect = call(1, req);
    EXPECT_EQ(redirect.status, 307u);
    EXPECT_EQ(header(redirect, "Location"), "http://127.0.0.1:8200/v1/sys/mounts?x=1");
    EXPECT_TRUE(redirect.body.empty());
    EXPECT_EQ(call(1, make("GET", "/v1/sys/storage/raft/snapshot", {}, root)).status, 307u);
    // Rekey through the standby reaches the active node's rekey state.
    auto started =
        body(call(1, make("PUT", "/v1/sys/rekey/init", R"({"secret_shares":1,"secret_threshold":1})")));
    EXPECT_TRUE(started.at("started").as_bool());
    EXPECT_TRUE(body(call(0, make("GET", "/v1/sys/rekey/init"))).at("started").as_bool());
}

TEST_F(TwoNodeFront, StepDownAndSealNeedSudoAndMoveLeadership)
{
    auto init = init_and_unseal();
    const std::string root(init.at("root_token").as_string());
    EXPECT_EQ(call(0, make("PUT", "/v1/sys/step-down")).status, 403u);
    EXPECT_EQ(call(0, make("PUT", "/v1/sys/step-down", {}, root)).status, 204u);
    EXPECT_EQ(vault.active(), 1u);
    auto leader = body(call(0, make("GET", "/v1/sys/leader")));
    EXPECT_EQ(leader.at("leader_address"), "http://127.0.0.1:8201");
    EXPECT_FALSE(leader.at("is_self").as_bool());
    EXPECT_EQ(call(1, make("PUT", "/v1/sys/seal", {}, root)).status, 204u);
    EXPECT_EQ(vault.active(), 0u);
    EXPECT_EQ(call(1, make("GET", "/v1/sys/health")).status, 503u);
}

TEST_F(TwoNodeFront, TransportErrorsUseVaultEnvelopes)
{
    auto init = init_and_unseal();
    const std::string root(init.at("root_token").as_string());
    EXPECT_EQ(body(call(0, make("BREW", "/v1/sys/mounts", {}, root))), json::parse(R"({"errors":[]})"));
    auto bad = call(0, make("POST", "/v1/sys/mounts/x", "{oops", root));
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(body(bad), json::parse(R"({"errors":["error parsing JSON"]})"));
    EXPECT_EQ(call(0, make("GET", "/v1/sys/mounts?list=maybe", {}, root)).status, 400u);
    auto big = call(0, make("POST", "/v1/sys/mounts/x", std::string((32u << 20) + 1, ' '), root));
    EXPECT_EQ(big.status, 413u);
    auto head = call(0, make("GET", "/v1/sys/health?activecode=204"));
    EXPECT_EQ(head.status, 204u);
    EXPECT_TRUE(head.body.empty());
}

TEST_F(TwoNodeFront, RequestsAreCountedByMethodAndPathWithoutTheQuery)
{
    auto init = init_and_unseal();
    const std::string root(init.at("root_token").as_string());
    call(0, make("GET", "/v1/secret/metadata/app", {}, root));
    call(0, make("GET", "/v1/secret/metadata/app?x=1", {}, root));
    call(1, make("GET", "/v1/secret/data/app", {}, root));
    EXPECT_EQ(vault.request_counts.at("GET /v1/secret/metadata/app"), 2u);
    EXPECT_EQ(vault.request_counts.at("GET /v1/secret/data/app"), 1u);
    EXPECT_EQ(vault.request_counts.at("PUT /v1/sys/init"), 1u);
}

}  // namespace
}  // namespace vsim
