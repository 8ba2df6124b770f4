// vault client auth against vault-sim: AppRole login, re-login after an expired token (once, shared by
// concurrent callers), token auth without re-login, renewal at 2/3 of the TTL, re-login near the max TTL.
#include "vault/kv.hpp"
#include "vault_env.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/parse.hpp>

namespace vk::test {
namespace {

using namespace vault;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
namespace json = boost::json;

// Enables AppRole with role "app" (policy on secret/*) and returns a config logging in with it.
boost::asio::awaitable<vault_config> approle_setup(const sim_process& sim, json::object role_settings)
{
    auto root = co_await started_client(token_config(sim));
    // Named bodies: g++ 12 miscompiles initializer lists inside co_await expressions.
    json::object enable{{"type", "approle"}};
    co_await raw(*root, "POST", "sys/auth/approle", enable);
    json::object policy{
        {"policy", "path \"secret/*\" { capabilities = [\"create\",\"read\",\"update\",\"list\"] }"}};
    co_await raw(*root, "PUT", "sys/policies/acl/app", policy);
    role_settings["token_policies"] = json::array{"app"};
    co_await raw(*root, "POST", "auth/approle/role/app", role_settings);
    auto rid = co_await raw(*root, "GET", "auth/approle/role/app/role-id");
    auto sid = co_await raw(*root, "POST", "auth/approle/role/app/secret-id");
    boost::json::object v{{"k", "v"}};
    co_await kv2_write(*root, "secret", "app/a", v);
    vault_config cfg = token_config(sim);
    cfg.auth.method = "approle";
    cfg.auth.token.reset();
    cfg.auth.role_id = secret(std::string(json::parse(rid.body).at("data").at("role_id").as_string()));
    cfg.auth.secret_id = secret(std::string(json::parse(sid.body).at("data").at("secret_id").as_string()));
    co_return cfg;
}

boost::asio::awaitable<bool> read_ok(client& c)
{
    auto r = co_await kv2_read(c, "secret", "app/a");
    EXPECT_TRUE(r) << (r ? "" : r.error().describe());
    co_return static_cast<bool>(r);
}

ASYNC_TEST(vault_auth_io, approle_login_and_lookup)
{
    auto sim = dev_vault();
    json::object settings{{"token_ttl", "1h"}};
    auto cfg = co_await approle_setup(*sim, settings);
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    auto info = co_await c->start();
    EXPECT_TRUE(info && info->renewable && !info->root);
    if (info)
    {
        EXPECT_GT(info->ttl, 3500s);
        EXPECT_NE(std::find(info->policies.begin(), info->policies.end(), "app"), info->policies.end());
    }
    EXPECT_EQ(c->logins(), 1u);
    EXPECT_TRUE(co_await read_ok(*c));
    auto bad_cfg = cfg;
    bad_cfg.auth.secret_id = secret("wrong");
    auto bad = make_client(co_await boost::asio::this_coro::executor, bad_cfg);
    auto refused = co_await bad->start();
    EXPECT_TRUE(!refused && refused.error().code == errc::bad_request);
    if (!refused)
    {
        EXPECT_EQ(refused.error().describe().find("wrong"), std::string::npos);  // no secrets in errors
    }
}

ASYNC_TEST(vault_auth_io, expired_token_triggers_one_relogin_shared_by_callers)
{
    auto sim = dev_vault();
    json::object settings{{"token_ttl", "1s"}};
    auto cfg = co_await approle_setup(*sim, settings);
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    EXPECT_TRUE(co_await c->start());
    co_await sleep_for(1500ms);
    // Four reads at once all hit the expired token; one login serves them all.
    auto [a, b, d, e] = co_await (read_ok(*c) && read_ok(*c) && read_ok(*c) && read_ok(*c));
    EXPECT_TRUE(a && b && d && e);
    EXPECT_EQ(c->logins(), 2u);
}

ASYNC_TEST(vault_auth_io, token_auth_expired_token_is_permission_denied)
{
    auto sim = dev_vault();
    auto root = co_await started_client(token_config(*sim));
    json::object create{{"ttl", "1s"}};
    auto made = co_await raw(*root, "POST", "auth/token/create", create);
    auto tok = std::string(json::parse(made.body).at("auth").at("client_token").as_string());
    auto c = co_await started_client(token_config(*sim, 0, tok));
    co_await sleep_for(1500ms);
    auto r = co_await kv2_read(*c, "secret", "app/a");
    EXPECT_TRUE(!r && r.error().code == errc::permission_denied);
    if (!r)
    {
        EXPECT_EQ(r.error().describe().find(tok), std::string::npos);
    }
    EXPECT_EQ(c->logins(), 1u);
}

ASYNC_TEST(vault_auth_io, renewal_keeps_a_short_token_alive)
{
    auto sim = dev_vault();
    json::object settings{{"token_ttl", "3s"}};
    auto cfg = co_await approle_setup(*sim, settings);
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    EXPECT_TRUE(co_await c->start());
    // Renewal runs next to the sleep; the sleep ending cancels it.
    co_await (c->run_renewal() || sleep_for(4500ms));
    EXPECT_GE(c->renewals(), 1u);
    EXPECT_EQ(c->logins(), 1u);
    EXPECT_TRUE(co_await read_ok(*c));  // the original token is still valid, 4.5 s after a 3 s TTL
    EXPECT_EQ(c->logins(), 1u);
}

ASYNC_TEST(vault_auth_io, renewal_logs_in_again_near_the_max_ttl)
{
    auto sim = dev_vault();
    json::object settings{{"token_ttl", "3s"}, {"token_explicit_max_ttl", "4s"}};
    auto cfg = co_await approle_setup(*sim, settings);
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    EXPECT_TRUE(co_await c->start());
    co_await (c->run_renewal() || sleep_for(5s));
    EXPECT_GE(c->logins(), 2u);
    EXPECT_TRUE(co_await read_ok(*c));
}

// Issue 10, "smaller defects", point 3: a login cancelled mid-flight (its awaiter lost a race) releases the
// single flight; before the fix every later login parked on it forever.
ASYNC_TEST(vault_auth_io, a_login_cancelled_mid_flight_does_not_block_later_logins)
{
    auto sim = dev_vault();
    json::object settings{{"token_ttl", "1h"}};
    auto cfg = co_await approle_setup(*sim, settings);
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    EXPECT_TRUE(co_await c->start());
    control(*sim, "/_sim/latency", R"({"ms":600})");
    auto first = co_await (c->login() || sleep_for(150ms));
    EXPECT_EQ(first.index(), 1u) << "the slow login lost the race and was cancelled";
    control(*sim, "/_sim/reset");
    auto second = co_await (c->login() || sleep_for(5s));
    EXPECT_EQ(second.index(), 0u) << "a later login must not wait on the cancelled one";
    if (second.index() == 0)
    {
        EXPECT_TRUE(std::get<0>(second));
    }
    EXPECT_TRUE(co_await read_ok(*c));
}

}  // namespace
}  // namespace vk::test
