// The pure parts of Azure identities: which source the environment and settings choose, the two token
// requests, token answers (IMDS's strings, AAD's numbers), refusals, expiry on our clock and refresh timing.
#include "cloud/model/azure_identity.hpp"
#include "cloud/model/azure_token.hpp"

#include <gtest/gtest.h>

namespace azure = vk::cloud::azure;
namespace aws = vk::cloud::aws;
using namespace std::chrono;

namespace {

const azure::env_map workload_env = {{"AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/token"},
                                     {"AZURE_CLIENT_ID", "cid"},
                                     {"AZURE_TENANT_ID", "tid"}};

}  // namespace

TEST(azure_identity, workload_identity_needs_all_three_variables)
{
    auto p = azure::plan_token_source({}, workload_env);
    ASSERT_TRUE(p) << p.error().message;
    const auto& w = std::get<azure::workload_identity_source>(p->source);
    EXPECT_EQ(w.authority, "https://login.microsoftonline.com");
    EXPECT_EQ(w.tenant_id, "tid");
    EXPECT_EQ(w.client_id, "cid");
    EXPECT_EQ(w.token_file, "/var/run/secrets/azure/tokens/token");
    EXPECT_EQ(p->description, "workload identity (tenant tid, client cid)");

    auto partial = workload_env;
    partial.erase("AZURE_TENANT_ID");
    p = azure::plan_token_source({}, partial);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->description, "managed identity (user-assigned cid)");  // AZURE_CLIENT_ID picks the identity
}

TEST(azure_identity, authority_host_from_the_environment_and_only_https_or_loopback)
{
    auto env = workload_env;
    env["AZURE_AUTHORITY_HOST"] = "https://login.microsoftonline.us/";
    EXPECT_EQ(std::get<azure::workload_identity_source>(azure::plan_token_source({}, env)->source).authority,
              "https://login.microsoftonline.us");
    env["AZURE_AUTHORITY_HOST"] = "http://127.0.0.1:8090";
    EXPECT_TRUE(azure::plan_token_source({}, env));
    env["AZURE_AUTHORITY_HOST"] = "http://login.example.com";
    auto p = azure::plan_token_source({}, env);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, vk::errc::invalid_argument);
    EXPECT_NE(p.error().message.find("AZURE_AUTHORITY_HOST"), std::string::npos);
}

TEST(azure_identity, managed_identity_system_or_user_assigned_and_imds_host)
{
    auto p = azure::plan_token_source({}, {});
    ASSERT_TRUE(p);
    const auto& m = std::get<azure::managed_identity_source>(p->source);
    EXPECT_EQ(m.endpoint, "http://169.254.169.254");
    EXPECT_FALSE(m.client_id);
    EXPECT_EQ(p->description, "managed identity (system-assigned)");

    p = azure::plan_token_source({"storage-id"}, {{"AZURE_CLIENT_ID", "env-id"}});
    EXPECT_EQ(std::get<azure::managed_identity_source>(p->source).client_id, "storage-id");
    EXPECT_EQ(p->description, "managed identity (user-assigned storage-id)");

    p = azure::plan_token_source({}, {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:9/"}});
    EXPECT_EQ(std::get<azure::managed_identity_source>(p->source).endpoint, "http://127.0.0.1:9");
    EXPECT_FALSE(azure::plan_token_source({}, {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://10.0.0.1"}}));
    EXPECT_TRUE(azure::plan_token_source({}, {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "https://10.0.0.1"}}));
}

TEST(azure_token, imds_request_as_documented)
{
    auto r = azure::imds_request({"http://169.254.169.254", std::nullopt});
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.url, "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
                     "https%3A%2F%2Fstorage.azure.com%2F");
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Metadata", "true"}));
    r = azure::imds_request({"http://127.0.0.1:5", "a b"});
    EXPECT_TRUE(r.url.ends_with("&client_id=a%20b"));
}

TEST(azure_token, workload_request_is_a_client_credentials_grant_with_the_assertion)
{
    auto r = azure::workload_request({"https://login.microsoftonline.com", "tid", "cid", "/f"}, "eyJ.a+b");
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, "https://login.microsoftonline.com/tid/oauth2/v2.0/token");
    EXPECT_EQ(r.body,
              "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&"
              "client_assertion=eyJ.a%2Bb&client_id=cid&grant_type=client_credentials&scope=https%3A%2F%2F"
              "storage.azure.com%2F.default");
    EXPECT_EQ(r.headers[0].second, "application/x-www-form-urlencoded");
}

// The answer of "How to use managed identities for Azure resources on an Azure VM to acquire an access token"
// (learn.microsoft.com): every number a string.
TEST(azure_token, imds_answer_with_strings)
{
    auto a =
        azure::parse_token_answer(R"({"access_token":"eyJ0eXAi...","refresh_token":"","expires_in":"3599",
        "expires_on":"1506484173","not_before":"1506480273","resource":"https://management.azure.com/",
        "token_type":"Bearer"})");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->access_token, "eyJ0eXAi...");
    EXPECT_EQ(a->expires_in, seconds(3599));
    EXPECT_EQ(a->expires_on, system_clock::time_point(seconds(1506484173)));
}

// The Microsoft identity platform's client credentials answer: numbers as numbers.
TEST(azure_token, aad_answer_with_numbers)
{
    auto a = azure::parse_token_answer(
        R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eX"})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->expires_in, seconds(3599));
    EXPECT_FALSE(a->expires_on);
}

TEST(azure_token, bad_answers_name_what_is_missing_never_a_value)
{
    EXPECT_EQ(azure::parse_token_answer("nope").error().code, vk::errc::bad_response);
    EXPECT_NE(azure::parse_token_answer(R"({"expires_in":1})").error().message.find("access_token"),
              std::string::npos);
    auto e = azure::parse_token_answer(R"({"access_token":"SECRET","expires_in":"x"})").error();
    EXPECT_NE(e.message.find("expires_in"), std::string::npos);
    EXPECT_EQ(e.message.find("SECRET"), std::string::npos);
    e = azure::parse_token_answer(R"({"access_token":"SECRET","expires_in":5,"token_type":"pop"})").error();
    EXPECT_NE(e.message.find("pop"), std::string::npos);
    EXPECT_EQ(e.message.find("SECRET"), std::string::npos);
}

TEST(azure_token, refusals_carry_error_and_description)
{
    auto e = azure::token_refusal(
        400,
        R"({"error":"invalid_client","error_description":"AADSTS70021: No matching federated identity record found for presented assertion.","error_codes":[70021]})");
    EXPECT_EQ(e.code, vk::errc::permission_denied);
    EXPECT_EQ(e.status, 400u);
    EXPECT_EQ(e.message,
              "HTTP 400 invalid_client: AADSTS70021: No matching federated identity record found for "
              "presented assertion.");
    EXPECT_EQ(azure::token_refusal(503, "busy").message, "HTTP 503");
    EXPECT_EQ(azure::token_refusal(503, "busy").code, vk::errc::server_error);
    auto longer =
        azure::token_refusal(400, R"({"error":"x","error_description":")" + std::string(400, 'd') + "\"}");
    EXPECT_LT(longer.message.size(), 330u);
}

TEST(azure_token, expiry_prefers_expires_in_and_moves_expires_on_by_the_server_clock)
{
    auto now = system_clock::time_point(seconds(1'700'000'000));
    azure::token_answer a{"t", seconds(600), now + hours(5)};
    // A server clock an hour ahead does not matter with expires_in.
    EXPECT_EQ(*azure::token_expiry(a, now, now + hours(1)), now + seconds(600));
    a.expires_in.reset();
    EXPECT_EQ(*azure::token_expiry(a, now, now + hours(1)), now + hours(4));
    EXPECT_EQ(*azure::token_expiry(a, now, std::nullopt), now + hours(5));
    a.expires_on.reset();
    EXPECT_FALSE(azure::token_expiry(a, now, std::nullopt));
}

TEST(azure_token, refresh_five_minutes_ahead_keeps_the_token_on_failure_until_nearly_expired)
{
    auto w = azure::token_refresh_windows(seconds(300));
    auto now = system_clock::time_point(seconds(1'700'000'000));
    EXPECT_EQ(aws::needs_refresh(false, std::nullopt, now, w), aws::refresh_need::mandatory);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(6), now, w), aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(4), now, w), aws::refresh_need::advisory);
    // After a failed early refresh, the next try waits azure-identity's 30 s.
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(4), now, w, now - seconds(29)), aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + minutes(4), now, w, now - seconds(31)),
              aws::refresh_need::advisory);
    EXPECT_EQ(aws::needs_refresh(true, now + seconds(31), now, w, now), aws::refresh_need::none);
    // The last 30 s the token counts as expired (its exp is cut to the second; requests take time).
    EXPECT_EQ(aws::needs_refresh(true, now + seconds(29), now, w, now), aws::refresh_need::mandatory);
    EXPECT_EQ(azure::token_refresh_windows(seconds(5)).mandatory, seconds(1));
}
