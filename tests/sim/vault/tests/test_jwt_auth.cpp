// JWT auth method: enable, config, role CRUD and validation, login and its refusals, as Vault answers them.
#include "jwt_signer.hpp"
#include "logical_fixture.hpp"

namespace vsim::test {
namespace {

class jwt_auth : public logical_test
{
protected:
    jwt_signer key{"ES256"};
    std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();

    void SetUp() override
    {
        ASSERT_EQ(send("update", "sys/auth/jwt", json::object{{"type", "jwt"}}).status, 204u);
        auto cfg = send("update", "auth/jwt/config",
                        json::object{{"jwt_validation_pubkeys", json::array{json::value(key.public_pem())}},
                                     {"bound_issuer", "https://kubernetes.default.svc"}});
        ASSERT_EQ(cfg.status, 204u) << first_error(cfg);
        auto role = send("update", "auth/jwt/role/ci",
                         json::object{{"role_type", "jwt"},
                                      {"user_claim", "sub"},
                                      {"bound_audiences", json::array{"vault"}},
                                      {"bound_claims", json::object{{"team", json::array{"web", "ops"}}}},
                                      {"token_policies", json::array{"app"}},
                                      {"token_ttl", "1h"}});
        ASSERT_EQ(role.status, 204u) << first_error(role);
    }

    json::object claims()
    {
        return {{"iss", "https://kubernetes.default.svc"},
                {"sub", "system:serviceaccount:apps:web"},
                {"aud", "vault"},
                {"team", "web"},
                {"iat", now_s},
                {"exp", now_s + 600}};
    }

    // The error of a login whose JWT has one claim changed.
    std::string refusal_with(const std::string& claim, json::value v)
    {
        auto c = claims();
        c[claim] = std::move(v);
        return first_error(login(key.sign(c)));
    }

    response login(const std::string& jwt, std::string role = "ci")
    {
        request r{"update", "auth/jwt/login", {}, json::object{{"role", role}, {"jwt", jwt}}, "", ""};
        return lg.handle(r, now);
    }
};

TEST_F(jwt_auth, login_issues_a_token_with_the_role_policies_and_metadata)
{
    auto r = login(key.sign(claims()));
    ASSERT_EQ(r.status, 200u) << first_error(r);
    const auto& auth = body(r).at("auth").as_object();
    EXPECT_EQ(auth.at("policies"), (json::array{"app", "default"}));
    EXPECT_EQ(auth.at("metadata"), (json::object{{"role", "ci"}}));
    EXPECT_EQ(auth.at("lease_duration"), 3600);
    EXPECT_EQ(auth.at("renewable"), true);
    std::string token(auth.at("client_token").as_string());
    auto self = send("read", "auth/token/lookup-self", nullptr, token);
    ASSERT_EQ(self.status, 200u);
    EXPECT_EQ(data(self).at("display_name"), "jwt-system:serviceaccount:apps:web");
    EXPECT_EQ(data(self).at("path"), "auth/jwt/login");
}

TEST_F(jwt_auth, each_failed_check_is_a_400_with_vaults_words)
{
    jwt_signer stranger("RS256");
    auto c = claims();
    EXPECT_EQ(first_error(login(stranger.sign(c))),
              "no known key successfully validated the token signature");
    EXPECT_EQ(first_error(login("not-a-jwt")),
              "error parsing token: square/go-jose: compact JWS format must have three parts");
    auto expired = claims();
    expired["exp"] = now_s - 3600;
    auto r = login(key.sign(expired));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(first_error(r),
              "error validating claims: square/go-jose/jwt: validation failed, token is expired (exp)");
    EXPECT_EQ(refusal_with("aud", "consul"),
              "error validating claims: aud claim does not match any bound audience");
    EXPECT_EQ(refusal_with("iss", "https://elsewhere"),
              "error validating claims: square/go-jose/jwt: validation failed, invalid issuer claim (iss)");
    EXPECT_EQ(refusal_with("team", "db"),
              "error validating claims: claim \"team\" does not match any associated bound claim values");
    auto nouser = claims();
    nouser.erase("sub");
    EXPECT_EQ(first_error(login(key.sign(nouser))), "claim \"sub\" not found in token");
    EXPECT_EQ(first_error(login(key.sign(claims()), "nope")), "role \"nope\" could not be found");
    EXPECT_EQ(first_error(login("", "ci")), "missing token");
    EXPECT_EQ(first_error(login(key.sign(claims()), "")), "missing role");
}

TEST_F(jwt_auth, roles_read_back_list_and_delete)
{
    auto r = send("read", "auth/jwt/role/CI");
    ASSERT_EQ(r.status, 200u);
    const auto d = data(r).as_object();
    EXPECT_EQ(d.at("role_type"), "jwt");
    EXPECT_EQ(d.at("user_claim"), "sub");
    EXPECT_EQ(d.at("bound_audiences"), (json::array{"vault"}));
    EXPECT_EQ(d.at("bound_claims"), (json::object{{"team", json::array{"web", "ops"}}}));
    EXPECT_EQ(d.at("token_policies"), (json::array{"app"}));
    EXPECT_EQ(d.at("token_ttl"), 3600);
    EXPECT_EQ(d.at("clock_skew_leeway"), 0);
    EXPECT_EQ(data(send("list", "auth/jwt/role/")).at("keys"), (json::array{"ci"}));
    EXPECT_EQ(send("delete", "auth/jwt/role/ci").status, 204u);
    EXPECT_EQ(send("read", "auth/jwt/role/ci").status, 404u);
    EXPECT_EQ(send("list", "auth/jwt/role/").status, 404u);
}

TEST_F(jwt_auth, role_and_config_validation)
{
    auto bad = [&](json::object body) {
        return first_error(send("update", "auth/jwt/role/x", std::move(body)));
    };
    EXPECT_EQ(bad({{"role_type", "jwt"}, {"bound_subject", "s"}}),
              "a user claim must be defined on the role");
    EXPECT_EQ(bad({{"role_type", "jwt"}, {"user_claim", "sub"}}),
              "must have at least one bound constraint when creating/updating a role");
    EXPECT_EQ(bad({{"user_claim", "sub"}}),
              "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
    EXPECT_EQ(bad({{"role_type", "saml"}}), "invalid 'role_type': saml");
    ASSERT_EQ(send("update", "auth/jwt/role/web",
                   json::object{{"user_claim", "sub"}, {"allowed_redirect_uris", "http://localhost"}})
                  .status,
              204u);
    EXPECT_EQ(first_error(login(key.sign(claims()), "web")), "role with oidc role_type is not allowed");
    EXPECT_EQ(first_error(send("update", "auth/jwt/config", json::object{{"bound_issuer", "x"}})),
              "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' "
              "must be set");
    EXPECT_EQ(
        first_error(send("update", "auth/jwt/config", json::object{{"jwt_validation_pubkeys", "junk"}})),
        "error parsing public key: data does not contain any valid public keys");
    auto cfg = data(send("read", "auth/jwt/config")).as_object();
    EXPECT_EQ(cfg.at("bound_issuer"), "https://kubernetes.default.svc");
    EXPECT_EQ(cfg.at("jwt_validation_pubkeys").as_array().size(), 1u);
}

TEST_F(jwt_auth, login_needs_a_configured_mount)
{
    ASSERT_EQ(send("update", "sys/auth/other", json::object{{"type", "jwt"}}).status, 204u);
    request r{"update", "auth/other/login", {}, json::object{{"role", "ci"}, {"jwt", "x"}}, "", ""};
    EXPECT_EQ(first_error(lg.handle(r, now)), "could not load configuration");
}

}  // namespace
}  // namespace vsim::test
