// vault client sys/* operations (health, seal status, init, unseal, leader, mounts, capabilities).
#include "vault/sys.hpp"
#include "vault_env.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>

namespace vk::test {
namespace {

using namespace vault;

ASYNC_TEST(vault_sys, health_seal_status_leader_mounts)
{
    auto sim = dev_vault();
    auto c = co_await started_client(token_config(*sim));
    EXPECT_TRUE(c->token().root);
    auto h = co_await sys_health(*c);
    EXPECT_TRUE(h && h->status == 200 && h->initialized && !h->sealed && !h->standby && !h->version.empty());
    auto s = co_await sys_seal_status(*c);
    EXPECT_TRUE(s && !s->sealed && s->initialized && s->t == 1);
    auto l = co_await sys_leader(*c);
    EXPECT_TRUE(l && l->is_self);
    auto m = co_await sys_mounts(*c);
    EXPECT_TRUE(m);
    if (m)
    {
        auto it = std::find_if(m->begin(), m->end(), [](const mount& x) { return x.path == "secret/"; });
        EXPECT_TRUE(it != m->end() && it->kv == kv_version::v2);
    }
}

ASYNC_TEST(vault_sys, capabilities_self_root_and_policy)
{
    auto sim = dev_vault();
    auto root = co_await started_client(token_config(*sim));
    std::vector<std::string> paths{"secret/data/a", "secret/data/b"};
    auto caps = co_await capabilities_self(*root, paths);
    EXPECT_TRUE(caps && allows((*caps)["secret/data/a"], "update"));  // root counts as all
    boost::json::object policy{{"policy", "path \"secret/data/a\" { capabilities = [\"read\"] }"}};
    auto pol = co_await raw(*root, "PUT", "sys/policies/acl/reader", policy);
    EXPECT_EQ(pol.status, 204u);
    boost::json::object create{{"policies", boost::json::array{"reader"}}};
    auto made = co_await raw(*root, "POST", "auth/token/create", create);
    auto tok = boost::json::parse(made.body).at("auth").at("client_token").as_string();
    auto reader = co_await started_client(token_config(*sim, 0, std::string(tok)));
    auto rc = co_await capabilities_self(*reader, paths);
    EXPECT_TRUE(rc);
    if (rc)
    {
        EXPECT_TRUE(allows((*rc)["secret/data/a"], "read"));
        EXPECT_FALSE(allows((*rc)["secret/data/a"], "update"));
        EXPECT_FALSE(allows((*rc)["secret/data/b"], "read"));
    }
    // A policy denial is permission_denied and never carries the token.
    auto denied = co_await sys_mounts(*reader);
    EXPECT_TRUE(!denied && denied.error().code == errc::permission_denied);
    if (!denied)
    {
        EXPECT_EQ(denied.error().describe().find(std::string(tok)), std::string::npos);
    }
}

ASYNC_TEST(vault_sys, init_unseal_and_reset)
{
    sim_process sim("vault-sim", {});
    vault_config cfg = token_config(sim, 0, "unused");
    auto c = make_client(co_await boost::asio::this_coro::executor, cfg);
    auto h = co_await sys_health(*c);
    EXPECT_TRUE(h && h->status == 501 && !h->initialized);
    auto keys = co_await sys_init(*c, 3, 2);
    EXPECT_TRUE(keys && keys->keys.size() == 3 && !keys->root_token.empty());
    if (!keys)
        co_return;
    auto again = co_await sys_init(*c, 3, 2);
    EXPECT_TRUE(!again && again.error().code == errc::bad_request);
    auto sealed_health = co_await sys_health(*c);
    EXPECT_TRUE(sealed_health && sealed_health->status == 503 && sealed_health->sealed);
    auto p1 = co_await sys_unseal(*c, keys->keys[0]);
    EXPECT_TRUE(p1 && p1->sealed && p1->progress == 1);
    auto reset = co_await sys_unseal_reset(*c);
    EXPECT_TRUE(reset && reset->progress == 0);
    auto bad = co_await sys_unseal(*c, secret("not-a-key"));
    EXPECT_TRUE(!bad && bad.error().code == errc::bad_request);
    EXPECT_TRUE(co_await sys_unseal(*c, keys->keys_base64[1]));
    auto done = co_await sys_unseal(*c, keys->keys[2]);
    EXPECT_TRUE(done && !done->sealed);
    auto standbyok = co_await sys_health(*c, health_params{.standbyok = true});
    EXPECT_TRUE(standbyok && standbyok->status == 200);
}

}  // namespace
}  // namespace vk::test
