// cloud-sim's answers without sockets: STS checks, IMDSv2's token gate, the container token, rotation.
#include "cloud_sim.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace {

simc::request make(std::string method, std::string path, std::string body = "")
{
    simc::request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.target = r.path;
    r.body = std::move(body);
    return r;
}

csim::sim fixed_sim(csim::options o = {})
{
    return csim::sim(std::move(o), [] { return std::chrono::system_clock::from_time_t(1700000000); });
}

}  // namespace

TEST(cloud_sim, form_and_authorization_parsing)
{
    auto f =
        csim::parse_form("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&X=a+b&Action=other");
    EXPECT_EQ(f["Action"], "AssumeRole");
    EXPECT_EQ(f["RoleArn"], "arn:aws:iam::1:role/r");
    EXPECT_EQ(f["X"], "a b");
    EXPECT_EQ(csim::sigv4_access_key("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, "
                                     "SignedHeaders=host, Signature=00"),
              "AKID");
    EXPECT_EQ(csim::sigv4_access_key("Bearer x"), "");
}

TEST(cloud_sim, web_identity_checks_token_and_role)
{
    csim::options o;
    o.web_identity_token = "jwt";
    o.ttl = std::chrono::seconds(60);
    auto s = fixed_sim(o);
    std::string base = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=s&RoleArn=" +
                       std::string("arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fvaultkeeper");
    auto ok = s.answer(make("POST", "/", base + "&WebIdentityToken=jwt"));
    EXPECT_EQ(ok.status, 200u);
    EXPECT_NE(ok.body.find("<AccessKeyId>ASIAWEBIDG1</AccessKeyId>"), std::string::npos);
    EXPECT_NE(ok.body.find("<Expiration>2023-11-14T22:14:20Z</Expiration>"), std::string::npos);
    auto wrong = s.answer(make("POST", "/", base + "&WebIdentityToken=other"));
    EXPECT_EQ(wrong.status, 400u);
    EXPECT_NE(wrong.body.find("<Code>InvalidIdentityToken</Code>"), std::string::npos);
    EXPECT_EQ(s.answer(make("POST", "/", base)).status, 400u);
}

TEST(cloud_sim, assume_role_needs_a_known_signer)
{
    auto s = fixed_sim();
    auto req = make("POST", "/",
                    "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s&RoleArn=arn:aws:iam::1:role/r");
    EXPECT_EQ(s.answer(req).status, 403u);
    req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=NOPE/d/r/sts/aws4_request, S=1");
    EXPECT_NE(s.answer(req).body.find("InvalidClientTokenId"), std::string::npos);
    auto imds_token = s.answer([] {
        auto r = make("PUT", "/latest/api/token");
        r.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        return r;
    }());
    auto creds = make("GET", "/latest/meta-data/iam/security-credentials/vaultkeeper-instance");
    creds.headers.set("X-aws-ec2-metadata-token", imds_token.body);
    EXPECT_NE(s.answer(creds).body.find("ASIAIMDSG1"), std::string::npos);
    req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=ASIAIMDSG1/d/r/sts/aws4_request, S=1");
    auto ok = s.answer(req);
    EXPECT_EQ(ok.status, 200u);
    EXPECT_NE(ok.body.find("<AccessKeyId>ASIAROLEG1</AccessKeyId>"), std::string::npos);
}

TEST(cloud_sim, imds_v2_requires_a_token)
{
    auto s = fixed_sim();
    EXPECT_EQ(s.answer(make("PUT", "/latest/api/token")).status, 400u);
    EXPECT_EQ(s.answer(make("GET", "/latest/meta-data/iam/security-credentials/")).status, 401u);
    auto put = make("PUT", "/latest/api/token");
    put.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "60");
    auto token = s.answer(put).body;
    auto list = make("GET", "/latest/meta-data/iam/security-credentials/");
    list.headers.set("X-aws-ec2-metadata-token", token);
    EXPECT_EQ(s.answer(list).body, "vaultkeeper-instance");
}

TEST(cloud_sim, container_requires_its_authorization)
{
    csim::options o;
    o.container_token = "pod-token";
    auto s = fixed_sim(o);
    auto req = make("GET", "/v1/credentials");
    EXPECT_EQ(s.answer(req).status, 401u);
    req.headers.set("Authorization", "pod-token");
    auto ok = s.answer(req);
    EXPECT_EQ(ok.status, 200u);
    EXPECT_NE(ok.body.find("\"AccessKeyId\":\"ASIACTRG1\""), std::string::npos);
}

// Google's endpoints (gcp_sim.hpp): the metadata server's Metadata-Flavor gate and answers, the token
// endpoint's refusals in Google's shape.
namespace {

std::string header_of(const simc::response& r, std::string_view name)
{
    for (const auto& [k, v] : r.headers)
        if (k == name)
            return v;
    return "";
}

simc::request to_token_endpoint(std::string body)
{
    auto r = make("POST", "/token", std::move(body));
    r.headers.set("Host", "127.0.0.1:1");
    return r;
}

}  // namespace

TEST(gcp_sim, metadata_server_wants_metadata_flavor_and_says_it)
{
    auto sim = fixed_sim();
    auto req = make("GET", "/computeMetadata/v1/instance/service-accounts/default/token");
    auto refused = sim.answer(req);
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(header_of(refused, "Metadata-Flavor"), "Google");
    req.headers.set("Metadata-Flavor", "Google");
    auto ok = sim.answer(req);
    EXPECT_EQ(ok.status, 200u);
    EXPECT_EQ(boost::json::parse(ok.body),
              boost::json::parse(
                  R"({"access_token":"ya29.cloudsim-metadata-1","expires_in":3599,"token_type":"Bearer"})"));
    EXPECT_EQ(header_of(ok, "Date"), "Tue, 14 Nov 2023 22:13:20 GMT");
}

TEST(gcp_sim, token_endpoint_refuses_as_google_does)
{
    auto sim = fixed_sim();
    auto wrong_grant = sim.answer(to_token_endpoint("grant_type=client_credentials"));
    EXPECT_EQ(wrong_grant.status, 400u);
    EXPECT_EQ(
        boost::json::parse(wrong_grant.body),
        boost::json::parse(
            R"({"error":"unsupported_grant_type","error_description":"Invalid grant_type: client_credentials"})"));
    auto bad_jwt = sim.answer(to_token_endpoint(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c"));
    EXPECT_EQ(bad_jwt.status, 400u);
    EXPECT_EQ(boost::json::parse(bad_jwt.body).at("error"), "invalid_grant");
}
