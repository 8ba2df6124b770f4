// jwt_verify: compact-JWS parsing, RS256/ES256 signatures through OpenSSL, and the claim checks of Vault's
// JWT login (time claims with leeways, iss, sub, aud, bound claims) with Vault's wording.
#include <gtest/gtest.h>

#include "jwt_signer.hpp"
#include "jwt_verify.hpp"

namespace vsim::test {
namespace {

namespace json = boost::json;

constexpr std::int64_t t0 = 1700000000;

jwt::token parsed(const std::string& compact)
{
    std::string why;
    auto t = jwt::parse(compact, &why);
    EXPECT_TRUE(t) << why;
    return t.value_or(jwt::token{});
}

json::object fresh_claims()
{
    return {{"sub", "system:serviceaccount:apps:web"},
            {"iss", "https://issuer"},
            {"aud", "vault"},
            {"iat", t0 - 10},
            {"exp", t0 + 600}};
}

jwt::bindings audience_only()
{
    jwt::bindings b;
    b.audiences = {"vault"};
    return b;
}

TEST(jwt_verify, parse_wants_three_base64url_json_parts)
{
    std::string why;
    EXPECT_FALSE(jwt::parse("a.b", &why));
    EXPECT_EQ(why, "square/go-jose: compact JWS format must have three parts");
    EXPECT_FALSE(jwt::parse("a.b.c.d", &why));
    EXPECT_FALSE(jwt::parse("e30.e30.a+b", &why));
    EXPECT_EQ(why, "illegal base64 data");
    EXPECT_FALSE(jwt::parse(jwt_signer::b64url("[]") + ".e30.", &why));
    auto t = jwt::parse("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", &why);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->header.at("alg"), "RS256");
    EXPECT_EQ(t->claims.at("sub"), "x");
    EXPECT_EQ(t->signing_input, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0");
    EXPECT_EQ(t->signature, "sig");
}

TEST(jwt_verify, rs256_and_es256_verify_only_with_their_key)
{
    jwt_signer rsa("RS256"), ec("ES256"), other("RS256");
    auto rs = parsed(rsa.sign(fresh_claims()));
    auto es = parsed(ec.sign(fresh_claims()));
    EXPECT_TRUE(jwt::verify_signature(rs, {rsa.public_pem()}));
    EXPECT_TRUE(jwt::verify_signature(rs, {ec.public_pem(), other.public_pem(), rsa.public_pem()}));
    EXPECT_FALSE(jwt::verify_signature(rs, {other.public_pem()}));
    EXPECT_TRUE(jwt::verify_signature(es, {ec.public_pem()}));
    EXPECT_FALSE(jwt::verify_signature(es, {rsa.public_pem()}));
    // The payload changed after signing.
    auto tampered = rs;
    tampered.signing_input.back() = tampered.signing_input.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(jwt::verify_signature(tampered, {rsa.public_pem()}));
}

TEST(jwt_verify, unsigned_hmac_and_mismatched_algs_never_verify)
{
    jwt_signer rsa("RS256"), ec("ES256");
    EXPECT_FALSE(jwt::verify_signature(parsed(rsa.sign(fresh_claims(), "none")), {rsa.public_pem()}));
    EXPECT_FALSE(jwt::verify_signature(parsed(rsa.sign(fresh_claims(), "HS256")), {rsa.public_pem()}));
    // An RSA signature presented as ES256 (and the reverse) is refused by key type.
    EXPECT_FALSE(jwt::verify_signature(parsed(rsa.sign(fresh_claims(), "ES256")), {rsa.public_pem()}));
    EXPECT_FALSE(jwt::verify_signature(parsed(ec.sign(fresh_claims(), "RS256")), {ec.public_pem()}));
}

TEST(jwt_verify, public_keys_and_certificates_parse_garbage_does_not)
{
    jwt_signer rsa("RS256");
    EXPECT_FALSE(jwt::check_public_key(rsa.public_pem()));
    EXPECT_EQ(jwt::check_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
              "error parsing public key: data does not contain any valid public keys");
}

TEST(jwt_verify, registered_claims_must_have_their_types)
{
    EXPECT_TRUE(jwt::registered_claims_decode(fresh_claims()));
    EXPECT_TRUE(jwt::registered_claims_decode({{"aud", json::array{"a", "b"}}, {"exp", 1.5}}));
    EXPECT_FALSE(jwt::registered_claims_decode({{"exp", "tomorrow"}}));
    EXPECT_FALSE(jwt::registered_claims_decode({{"aud", json::array{"a", 1}}}));
    EXPECT_FALSE(jwt::registered_claims_decode({{"sub", 7}}));
}

TEST(jwt_verify, time_claims_with_the_clock_skew_leeway)
{
    auto b = audience_only();
    EXPECT_FALSE(jwt::check_claims(fresh_claims(), b, t0));
    // Expired 30 s ago: inside the default 60 s skew; 61 s ago: outside.
    EXPECT_FALSE(jwt::check_claims(fresh_claims(), b, t0 + 630));
    EXPECT_EQ(jwt::check_claims(fresh_claims(), b, t0 + 661),
              "error validating claims: square/go-jose/jwt: validation failed, token is expired (exp)");
    b.leeway.clock_skew = -1;
    EXPECT_TRUE(jwt::check_claims(fresh_claims(), b, t0 + 601));
    auto early = fresh_claims();
    early["nbf"] = t0 + 100;
    EXPECT_EQ(jwt::check_claims(early, audience_only(), t0),
              "error validating claims: square/go-jose/jwt: validation failed, token not valid yet (nbf)");
    // A missing nbf is the iat, so a future iat reads as "not valid yet"; with an nbf, iat is checked too.
    auto future = fresh_claims();
    future["iat"] = t0 + 100;
    EXPECT_EQ(jwt::check_claims(future, audience_only(), t0),
              "error validating claims: square/go-jose/jwt: validation failed, token not valid yet (nbf)");
    future["nbf"] = t0 - 10;
    EXPECT_EQ(
        jwt::check_claims(future, audience_only(), t0),
        "error validating claims: square/go-jose/jwt: validation field, token issued in the future (iat)");
}

TEST(jwt_verify, missing_expiry_is_derived_with_the_expiration_leeway)
{
    json::object only_iat{{"aud", "vault"}, {"iat", t0}};
    EXPECT_FALSE(jwt::check_claims(only_iat, audience_only(), t0 + 150 + 60));
    EXPECT_TRUE(jwt::check_claims(only_iat, audience_only(), t0 + 150 + 61));
    auto b = audience_only();
    b.leeway.expiration = 10;
    EXPECT_TRUE(jwt::check_claims(only_iat, b, t0 + 71));
    EXPECT_EQ(jwt::check_claims({{"aud", "vault"}}, audience_only(), t0),
              "no issue time, notbefore, or expiration time encoded in token");
}

TEST(jwt_verify, issuer_subject_and_audiences)
{
    auto b = audience_only();
    b.issuer = "https://other";
    EXPECT_EQ(jwt::check_claims(fresh_claims(), b, t0),
              "error validating claims: square/go-jose/jwt: validation failed, invalid issuer claim (iss)");
    b = audience_only();
    b.subject = "system:serviceaccount:apps:db";
    EXPECT_EQ(jwt::check_claims(fresh_claims(), b, t0),
              "error validating claims: square/go-jose/jwt: validation failed, invalid subject claim (sub)");
    b = audience_only();
    b.audiences = {"consul"};
    EXPECT_EQ(jwt::check_claims(fresh_claims(), b, t0),
              "error validating claims: aud claim does not match any bound audience");
    auto listed = fresh_claims();
    listed["aud"] = json::array{"k8s", "consul"};
    EXPECT_FALSE(jwt::check_claims(listed, b, t0));
    EXPECT_EQ(jwt::check_claims(fresh_claims(), jwt::bindings{}, t0),
              "audience claim found in JWT but no audiences bound to the role");
    auto no_aud = fresh_claims();
    no_aud.erase("aud");
    jwt::bindings subject_only;
    subject_only.subject = "system:serviceaccount:apps:web";
    EXPECT_FALSE(jwt::check_claims(no_aud, subject_only, t0));
    EXPECT_TRUE(jwt::check_claims(no_aud, audience_only(), t0));
}

TEST(jwt_verify, bound_claims_take_a_value_or_a_list_and_json_pointers)
{
    auto claims = fresh_claims();
    claims["groups"] = json::array{"dev", "ops"};
    claims["kubernetes.io"] = json::object{{"namespace", "apps"}};
    auto b = audience_only();
    b.claims = {{"groups", "ops"}, {"/kubernetes.io/namespace", json::array{"apps", "tools"}}};
    EXPECT_FALSE(jwt::check_claims(claims, b, t0));
    b.claims = {{"groups", json::array{"admin"}}};
    EXPECT_EQ(jwt::check_claims(claims, b, t0),
              "error validating claims: claim \"groups\" does not match any associated bound claim values");
    b.claims = {{"team", "x"}};
    EXPECT_EQ(jwt::check_claims(claims, b, t0), "error validating claims: claim \"team\" is missing");
}

}  // namespace
}  // namespace vsim::test
