// The pure parts of GCS's OAuth identities: the key file, the RS256 JWT assertion (verified with the public
// key), the token answers and refusals, the ADC order and the metadata host rule.
#include "cloud/model/aws_refresh.hpp"
#include "cloud/model/gcp_chain.hpp"
#include "cloud/model/gcp_jwt.hpp"
#include "cloud/model/gcp_token.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace gcp = vk::cloud::gcp;
using namespace std::chrono;

namespace {

struct key_pair
{
    std::string private_pem, public_pem;
};

const key_pair& test_keys()
{
    static const key_pair keys = [] {
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> k(EVP_RSA_gen(2048), &EVP_PKEY_free);
        auto pem = [&](bool priv) {
            std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
            if (priv)
                PEM_write_bio_PrivateKey(b.get(), k.get(), nullptr, nullptr, 0, nullptr, nullptr);
            else
                PEM_write_bio_PUBKEY(b.get(), k.get());
            char* data = nullptr;
            auto n = BIO_get_mem_data(b.get(), &data);
            return std::string(data, static_cast<std::size_t>(n));
        };
        return key_pair{pem(true), pem(false)};
    }();
    return keys;
}

bool rs256_verifies(const std::string& public_pem, std::string_view data, std::string_view sig)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_mem_buf(public_pem.data(), -1), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> k(
        PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

std::string key_json(std::string type = "service_account", std::string token_uri = "http://127.0.0.1:9/token")
{
    boost::json::object o{{"type", type},
                          {"project_id", "p"},
                          {"private_key_id", "kid-1"},
                          {"private_key", test_keys().private_pem},
                          {"client_email", "vk@p.iam.gserviceaccount.com"},
                          {"token_uri", token_uri}};
    return boost::json::serialize(o);
}

gcp::service_account_key test_key()
{
    return gcp::parse_service_account_key(key_json(), "/k.json").value();
}

}  // namespace

TEST(gcp_key_file, fields_and_errors_naming_file_and_field_never_the_key)
{
    auto k = test_key();
    EXPECT_EQ(k.client_email, "vk@p.iam.gserviceaccount.com");
    EXPECT_EQ(k.private_key_id, "kid-1");
    EXPECT_EQ(k.token_uri, "http://127.0.0.1:9/token");
    EXPECT_EQ(k.private_key.reveal(), test_keys().private_pem);
    auto user = gcp::parse_service_account_key(key_json("authorized_user"), "/u.json");
    ASSERT_FALSE(user);
    EXPECT_EQ(user.error().message,
              "service account key file /u.json: \"type\" is \"authorized_user\", not \"service_account\"");
    auto o = boost::json::parse(key_json()).as_object();
    o.erase("token_uri");
    EXPECT_EQ(gcp::parse_service_account_key(boost::json::serialize(o), "/k").value().token_uri,
              gcp::default_token_uri);
    o.erase("client_email");
    auto no_email = gcp::parse_service_account_key(boost::json::serialize(o), "/k");
    ASSERT_FALSE(no_email);
    EXPECT_EQ(no_email.error().message, "service account key file /k: no \"client_email\"");
    EXPECT_FALSE(gcp::parse_service_account_key("{", "/k"));
}

TEST(gcp_jwt, base64url_round_trip_without_padding)
{
    EXPECT_EQ(gcp::base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(gcp::base64url_decode("-_8"), "\xfb\xff");
    EXPECT_EQ(gcp::base64url_decode("eyJ4IjoxfQ"), "{\"x\":1}");
    EXPECT_FALSE(gcp::base64url_decode("a"));
}

TEST(gcp_jwt, assertion_is_rs256_signed_with_google_s_claims)
{
    auto iat = system_clock::from_time_t(1700000000);
    auto jwt = gcp::jwt_assertion(test_key(), gcp::storage_scope, iat).value();
    auto dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
    ASSERT_NE(dot1, dot2);
    auto header = boost::json::parse(*gcp::base64url_decode(jwt.substr(0, dot1)));
    EXPECT_EQ(header, boost::json::parse(R"({"alg":"RS256","typ":"JWT","kid":"kid-1"})"));
    auto claims = boost::json::parse(*gcp::base64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
    EXPECT_EQ(claims, boost::json::parse(R"({"iss":"vk@p.iam.gserviceaccount.com",
        "scope":"https://www.googleapis.com/auth/devstorage.read_write","aud":"http://127.0.0.1:9/token",
        "iat":1700000000,"exp":1700003600})"));
    auto sig = gcp::base64url_decode(jwt.substr(dot2 + 1));
    ASSERT_TRUE(sig);
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(rs256_verifies(test_keys().public_pem, jwt.substr(0, dot2), *sig));
    EXPECT_FALSE(rs256_verifies(test_keys().public_pem, jwt.substr(0, dot2) + "x", *sig));
}

TEST(gcp_jwt, a_bad_private_key_is_named_not_quoted)
{
    auto k = test_key();
    k.private_key = vk::secret("-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n");
    auto jwt = gcp::jwt_assertion(k, gcp::storage_scope, system_clock::now());
    ASSERT_FALSE(jwt);
    EXPECT_EQ(jwt.error().message,
              "service account key file /k.json: the private key is not a PEM RSA private key");
}

TEST(gcp_jwt, grant_body_is_form_encoded)
{
    EXPECT_EQ(gcp::jwt_grant_body("a.b_-.c"),
              "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b_-.c");
}

TEST(gcp_token, answer_expires_on_our_clock)
{
    auto now = system_clock::from_time_t(1700000000);
    auto t =
        gcp::parse_token_answer(R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})", now);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->value, "ya29.x");
    EXPECT_EQ(t->expiration, now + seconds(3599));
    EXPECT_EQ(gcp::parse_token_answer(R"({"expires_in":3599})", now).error().message,
              "token answer without access_token");
    EXPECT_EQ(gcp::parse_token_answer(R"({"access_token":"ya29.x"})", now).error().message,
              "token answer without a positive expires_in");
    EXPECT_EQ(gcp::parse_token_answer(R"({"access_token":"x","expires_in":1,"token_type":"MAC"})", now)
                  .error()
                  .message,
              "token answer of token_type MAC, not Bearer");
}

TEST(gcp_token, refreshed_from_google_auth_s_threshold_kept_until_just_before_expiry)
{
    namespace aws = vk::cloud::aws;
    aws::refresh_windows w{gcp::refresh_threshold, gcp::last_usable};
    auto now = system_clock::from_time_t(1700000000);
    EXPECT_EQ(aws::needs_refresh(true, now + seconds(226), now, w), aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + seconds(224), now, w), aws::refresh_need::advisory);
    // After a failed try the token stays in use (the next try waits) until 10 s are left.
    EXPECT_EQ(aws::needs_refresh(true, now + seconds(200), now, w, now - seconds(5)),
              aws::refresh_need::none);
    EXPECT_EQ(aws::needs_refresh(true, now + seconds(9), now, w, now - seconds(5)),
              aws::refresh_need::mandatory);
}

TEST(gcp_token, refusal_carries_google_s_error_and_description)
{
    auto e =
        gcp::token_refusal(400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
    EXPECT_EQ(e.code, vk::errc::permission_denied);
    EXPECT_EQ(e.message, "HTTP 400: invalid_grant: Invalid JWT Signature.");
    EXPECT_EQ(e.status, 400u);
    EXPECT_EQ(gcp::token_refusal(503, "<html>").message, "HTTP 503");
    EXPECT_EQ(gcp::token_refusal(503, "").code, vk::errc::server_error);
}

TEST(gcp_chain, adc_order_explicit_file_then_environment_then_metadata)
{
    std::map<std::string, std::string> files{{"/explicit.json", key_json()}, {"/adc.json", key_json()}};
    gcp::file_reader read = [&](const std::string& p) -> std::optional<std::string> {
        auto it = files.find(p);
        return it == files.end() ? std::nullopt : std::optional(it->second);
    };
    gcp::env_map env{{"GOOGLE_APPLICATION_CREDENTIALS", "/adc.json"}, {"GCE_METADATA_HOST", "127.0.0.1:8"}};
    EXPECT_EQ(gcp::plan_token_source("/explicit.json", env, read)->description,
              "service account key file /explicit.json (vk@p.iam.gserviceaccount.com)");
    EXPECT_EQ(gcp::plan_token_source(std::nullopt, env, read)->description,
              "service account key file /adc.json (vk@p.iam.gserviceaccount.com)");
    env.erase("GOOGLE_APPLICATION_CREDENTIALS");
    auto md = gcp::plan_token_source(std::nullopt, env, read);
    EXPECT_EQ(md->description, "metadata server (http://127.0.0.1:8)");
    EXPECT_EQ(std::get<gcp::metadata_source>(md->source).origin, "http://127.0.0.1:8");
    EXPECT_EQ(gcp::plan_token_source(std::nullopt, {{"GCE_METADATA_ROOT", "127.0.0.2:9"}}, read)->description,
              "metadata server (http://127.0.0.2:9)");
    EXPECT_EQ(gcp::plan_token_source(std::nullopt, {}, read)->description,
              "metadata server (http://metadata.google.internal)");
    EXPECT_EQ(gcp::plan_token_source("/missing.json", {}, read).error().message,
              "cannot read the service account key file /missing.json");
}

TEST(gcp_chain, metadata_over_http_only_to_link_local_or_loopback)
{
    for (auto ok :
         {"metadata.google.internal", "169.254.169.254", "127.0.0.1:8080", "localhost:1", "[::1]:80"})
        EXPECT_TRUE(gcp::check_metadata_host(ok)) << ok;
    for (auto bad : {"evil.example.com", "10.0.0.1", "169.254.169.254.example.com"})
        EXPECT_FALSE(gcp::check_metadata_host(bad)) << bad;
    EXPECT_FALSE(gcp::plan_token_source(std::nullopt, {{"GCE_METADATA_HOST", "evil.example.com"}},
                                        [](const std::string&) { return std::nullopt; }));
}
