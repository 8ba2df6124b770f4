// vault/auth: login request per method, auth validation, and the renewal timing decisions.
#include "vault/auth.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vk::vault {
namespace {

using namespace std::chrono_literals;
using action = renewal_plan::action;

vault_auth_config approle()
{
    vault_auth_config a;
    a.method = "approle";
    a.role_id = secret("rid");
    a.secret_id = secret("sid");
    return a;
}

TEST(vault_auth, validates_methods)
{
    vault_auth_config t;
    EXPECT_FALSE(validate_auth(t));  // token without a token
    t.token = secret("x");
    EXPECT_TRUE(validate_auth(t));
    EXPECT_TRUE(validate_auth(approle()));
    auto a = approle();
    a.role_id.reset();
    EXPECT_EQ(validate_auth(a).error().code, errc::invalid_argument);
    vault_auth_config k;
    k.method = "kubernetes";
    EXPECT_FALSE(validate_auth(k));  // no role
    k.role = "app";
    EXPECT_TRUE(validate_auth(k));
    vault_auth_config u;
    u.method = "ldap";
    EXPECT_FALSE(validate_auth(u));
}

TEST(vault_auth, approle_login_call)
{
    auto c = login_call(approle());
    ASSERT_TRUE(c);
    EXPECT_EQ(c->method, "POST");
    EXPECT_EQ(c->path, "auth/approle/login");
    EXPECT_FALSE(c->authenticated);
    auto body = boost::json::parse(c->body).as_object();
    EXPECT_EQ(body["role_id"], "rid");
    EXPECT_EQ(body["secret_id"], "sid");
    auto a = approle();
    a.mount = "apps/ci";
    EXPECT_EQ(login_call(a)->path, "auth/apps/ci/login");
}

TEST(vault_auth, kubernetes_login_reads_the_jwt_file_each_time)
{
    auto file = std::filesystem::temp_directory_path() / ("vk-jwt-" + std::to_string(::getpid()));
    vault_auth_config k;
    k.method = "kubernetes";
    k.role = "app";
    k.jwt_file = file.string();
    std::filesystem::remove(file);
    EXPECT_EQ(login_call(k).error().code, errc::io_error);
    std::ofstream(file) << "eyJhbGciOi.payload.sig\n";
    auto c = login_call(k);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->path, "auth/kubernetes/login");
    auto body = boost::json::parse(c->body).as_object();
    EXPECT_EQ(body["role"], "app");
    EXPECT_EQ(body["jwt"], "eyJhbGciOi.payload.sig");
    std::ofstream(file) << "";
    EXPECT_EQ(login_call(k).error().code, errc::invalid_argument);
    std::filesystem::remove(file);
}

TEST(vault_auth, jwt_login_rereads_the_token_file_and_hides_it_from_errors)
{
    auto file = std::filesystem::temp_directory_path() / ("vk-jwt-auth-" + std::to_string(::getpid()));
    vault_auth_config j;
    j.method = "jwt";
    j.role = "ci";
    j.jwt_file.clear();
    EXPECT_FALSE(validate_auth(j));  // no token_file
    j.jwt_file = file.string();
    j.mount = "jwt/prod";
    ASSERT_TRUE(validate_auth(j));
    EXPECT_TRUE(can_login(j));
    std::filesystem::remove(file);
    auto missing = login_call(j);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::io_error);
    EXPECT_NE(missing.error().describe().find(file.string()), std::string::npos);
    std::ofstream(file) << "  first.jwt.sig\n";
    auto c = login_call(j);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->path, "auth/jwt/prod/login");
    EXPECT_EQ(boost::json::parse(c->body).as_object()["jwt"], "first.jwt.sig");
    EXPECT_EQ(boost::json::parse(c->body).as_object()["role"], "ci");
    // A rotated token is picked up by the next login.
    std::ofstream(file) << "second.jwt.sig";
    EXPECT_EQ(boost::json::parse(login_call(j)->body).as_object()["jwt"], "second.jwt.sig");
    std::ofstream(file) << " \n";
    auto blank = login_call(j);
    ASSERT_FALSE(blank);
    EXPECT_EQ(blank.error().code, errc::invalid_argument);
    auto refused = login_refused(j, blank.error()).describe();
    EXPECT_NE(refused.find("jwt login as role \"ci\" at auth/jwt/prod"), std::string::npos) << refused;
    EXPECT_EQ(refused.find("second.jwt.sig"), std::string::npos);
    std::filesystem::remove(file);
}

TEST(vault_auth, token_method_has_no_login)
{
    vault_auth_config t;
    t.token = secret("x");
    EXPECT_EQ(login_call(t).error().code, errc::invalid_argument);
}

token_info tok(std::chrono::seconds ttl, bool renewable, std::chrono::seconds creation = 0s)
{
    token_info t;
    t.ttl = ttl;
    t.renewable = renewable;
    t.creation_ttl = creation.count() ? creation : ttl;
    return t;
}

TEST(vault_auth, renews_at_two_thirds_of_the_ttl)
{
    auto p = plan_renewal(tok(3600s, true), true, false);
    EXPECT_EQ(p.what, action::renew);
    EXPECT_EQ(p.after, 2400s);
    EXPECT_EQ(plan_renewal(tok(3s, true), false, false).after, 2000ms);
}

TEST(vault_auth, never_expiring_tokens_need_nothing)
{
    EXPECT_EQ(plan_renewal(tok(0s, false), true, false).what, action::none);
    EXPECT_EQ(plan_renewal(tok(0s, true), false, false).what, action::none);
}

TEST(vault_auth, non_renewable_tokens_log_in_again_when_possible)
{
    EXPECT_EQ(plan_renewal(tok(60s, false), true, false).what, action::relogin);
    EXPECT_EQ(plan_renewal(tok(60s, false), true, false).after, 40s);
    EXPECT_EQ(plan_renewal(tok(60s, false), false, false).what, action::none);
}

TEST(vault_auth, capped_renewal_near_max_ttl_logs_in_again)
{
    // Renewed to 20 s although the token was created with 60 s: the max TTL is near.
    auto capped = tok(20s, true, 60s);
    EXPECT_EQ(plan_renewal(capped, true, true).what, action::relogin);
    EXPECT_EQ(plan_renewal(capped, false, true).what, action::renew);  // token auth: keep renewing
    // The same TTL right after a login is not a cap.
    EXPECT_EQ(plan_renewal(capped, true, false).what, action::renew);
    // Capped to nothing: log in now.
    auto spent = tok(0s, true, 60s);
    EXPECT_EQ(plan_renewal(spent, true, true).what, action::relogin);
    EXPECT_EQ(plan_renewal(spent, true, true).after, 0ms);
    // A renewal rounded down by a second is not a cap.
    EXPECT_EQ(plan_renewal(tok(59s, true, 60s), true, true).what, action::renew);
    // A full renewal is not capped.
    EXPECT_EQ(plan_renewal(tok(60s, true, 60s), true, true).what, action::renew);
}

TEST(vault_auth, retry_delay_is_bounded)
{
    EXPECT_EQ(retry_delay(tok(3s, true)), 1000ms);
    EXPECT_EQ(retry_delay(tok(60s, true)), 10000ms);
    EXPECT_EQ(retry_delay(tok(86400s, true)), 30000ms);
}

}  // namespace
}  // namespace vk::vault
