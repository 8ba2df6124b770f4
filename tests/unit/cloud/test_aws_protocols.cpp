// The pure parts of the AWS credential sources: INI profiles, STS bodies and answers, container / IMDS JSON,
// the container URL rule, and botocore's refresh windows.
#include "cloud/model/aws_metadata.hpp"
#include "cloud/model/aws_profiles.hpp"
#include "cloud/model/aws_refresh.hpp"
#include "cloud/model/aws_sts.hpp"
#include "cloud/model/iso8601.hpp"

#include <gtest/gtest.h>

namespace aws = vk::cloud::aws;
using namespace std::chrono;

TEST(aws_profiles, ini_sections_keys_comments_and_nested_lines)
{
    auto f = aws::parse_ini("# comment\n[default]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 2\n"
                            "; other\n[profile x] \r\nrole_arn=arn:aws:iam::1:role/r\r\n");
    EXPECT_EQ(f["default"]["region"], "eu-west-1");
    EXPECT_EQ(f["default"]["s3"], "");
    EXPECT_FALSE(f["default"].contains("max_concurrent_requests"));
    EXPECT_EQ(f["profile x"]["role_arn"], "arn:aws:iam::1:role/r");
    aws::shared_files s{"c", "f", aws::parse_ini("[x]\nregion=a\n"), f};
    EXPECT_EQ(aws::profile_value(s, "x", "region"), "a");  // the credentials file wins
    EXPECT_EQ(aws::profile_value(s, "x", "role_arn"), "arn:aws:iam::1:role/r");
    EXPECT_TRUE(aws::config_profile(s, "default"));
}

TEST(aws_sts, form_bodies)
{
    aws::assume_role_params p{"arn:aws:iam::123456789012:role/a b", "vk", "ext/1"};
    EXPECT_EQ(aws::assume_role_body(p), "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
                                        "123456789012%3Arole%2Fa%20b&RoleSessionName=vk&ExternalId=ext%2F1");
    EXPECT_EQ(aws::assume_role_with_web_identity_body({"arn:r", "s", std::nullopt}, "ey.J+="),
              "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Ar&RoleSessionName=s&"
              "WebIdentityToken=ey.J%2B%3D");
    EXPECT_EQ(aws::default_sts_endpoint("eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
    EXPECT_EQ(aws::default_sts_endpoint("cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn");
}

// The answer of AWS's AssumeRoleWithWebIdentity documentation example.
TEST(aws_sts, web_identity_answer_and_error_response)
{
    auto ok = aws::parse_sts_answer(
        R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)",
        "AssumeRoleWithWebIdentity");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->keys.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(ok->keys.session_token, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
    EXPECT_EQ(system_clock::to_time_t(*ok->expiration), 1414191623);
    auto refused = aws::parse_sts_answer(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
        "<Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message>"
        "</Error><RequestId>x</RequestId></ErrorResponse>",
        "AssumeRoleWithWebIdentity");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, vk::errc::permission_denied);
    EXPECT_EQ(refused.error().message,
              "STS AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity");
    EXPECT_EQ(aws::parse_sts_answer("<html/>", "AssumeRole").error().code, vk::errc::bad_response);
    EXPECT_EQ(
        aws::parse_sts_answer("<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>", "AssumeRole")
            .error()
            .code,
        vk::errc::bad_response);
}

// IMDS's answer as AWS documents it (Code/LastUpdated/Type too), and the container endpoint's (no Code).
TEST(aws_metadata, credentials_json)
{
    auto imds = aws::parse_metadata_credentials(R"({"Code":"Success","LastUpdated":"2012-04-26T16:39:16Z",
        "Type":"AWS-HMAC","AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG",
        "Token":"token","Expiration":"2017-05-17T15:09:54Z"})");
    ASSERT_TRUE(imds);
    EXPECT_EQ(imds->keys.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    EXPECT_TRUE(imds->expiration);
    auto container = aws::parse_metadata_credentials(
        R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2024-01-01T00:00:00Z"})");
    ASSERT_TRUE(container);
    EXPECT_EQ(aws::parse_metadata_credentials(R"({"Code":"Failure"})").error().code,
              vk::errc::permission_denied);
    auto missing = aws::parse_metadata_credentials(R"({"AccessKeyId":"A","Token":"T"})");
    EXPECT_EQ(missing.error().message, "credentials answer without SecretAccessKey");
    EXPECT_FALSE(aws::parse_metadata_credentials("not json"));
    EXPECT_EQ(aws::first_role("backup-role\nother\n").value(), "backup-role");
    EXPECT_EQ(aws::first_role("").error().code, vk::errc::not_found);
}

TEST(aws_metadata, container_url_http_only_to_loopback_and_the_agents)
{
    for (auto ok : {"http://127.0.0.1:8080/creds", "http://localhost/x", "http://169.254.170.2/v2/c",
                    "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
                    "http://[::1]:80/", "https://creds.example.com/x"})
        EXPECT_TRUE(aws::check_container_url(ok)) << ok;
    for (auto bad : {"http://10.0.0.1/creds", "http://169.254.169.254/x", "ftp://127.0.0.1/", "not a url"})
        EXPECT_FALSE(aws::check_container_url(bad)) << bad;
}

TEST(aws_refresh, botocore_windows)
{
    auto now = system_clock::now();
    aws::refresh_windows w;
    EXPECT_EQ(aws::needs_refresh(false, std::nullopt, now, w), aws::refresh_need::mandatory);
    EXPECT_EQ(aws::needs_refresh(true, std::nullopt, now, w), aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(16), now, w), aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(14), now, w), aws::refresh_need::advisory);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(9), now, w), aws::refresh_need::mandatory);
    // A failed advisory refresh is tried again a tenth of the advisory window later, a mandatory one at once.
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(14), now, w, now - seconds(60)),
              aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(14), now, w, now - seconds(91)),
              aws::refresh_need::advisory);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(9), now, w, now), aws::refresh_need::mandatory);
    EXPECT_TRUE(aws::expired(now - seconds(1), now));
    EXPECT_FALSE(aws::expired(std::nullopt, now));
}

// A server whose clock is an hour ahead writes Expiration an hour ahead too: taken back by its Date.
TEST(aws_refresh, expiration_on_our_clock)
{
    auto date = vk::cloud::parse_http_date("Sat, 05 Dec 2026 15:28:00 GMT");
    ASSERT_TRUE(date);
    EXPECT_EQ(date, vk::cloud::parse_iso8601("2026-12-05T15:28:00Z"));
    EXPECT_FALSE(vk::cloud::parse_http_date("2026-12-05T15:28:00Z"));
    auto now = *vk::cloud::parse_iso8601("2026-12-05T14:28:00Z");
    auto expiration = *date + minutes(15);
    EXPECT_EQ(aws::local_expiration(expiration, date, now), now + minutes(15));
    EXPECT_EQ(aws::local_expiration(expiration, std::nullopt, now), expiration);
    EXPECT_EQ(aws::local_expiration(expiration, now + seconds(1), now), expiration);  // resolution, not skew
}
