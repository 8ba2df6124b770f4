// Consul client against consul-sim: KV get/put/delete/keys/recurse, cas, limits, ACL, datacenter.
#include "consul_helpers.hpp"

namespace {
using namespace vk::consul;
using vk::errc;
using vk::test::sim_process;

ASYNC_TEST(consul_kv, put_then_get_round_trips_value_flags_and_indexes)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    put_options o;
    o.flags = 42;
    std::string binary("a\0b\xff", 4);
    auto put = co_await c->put("app/cfg", binary, o);
    EXPECT_TRUE(put && *put);
    auto got = co_await c->get("app/cfg");
    EXPECT_TRUE(got && got->value);
    if (got && got->value)
    {
        EXPECT_EQ(got->value->key, "app/cfg");
        EXPECT_EQ(got->value->value, binary);
        EXPECT_EQ(got->value->flags, 42u);
        EXPECT_EQ(got->value->session, "");
        EXPECT_GT(got->value->modify_index, 0u);
        EXPECT_GE(got->index, got->value->modify_index);
    }
    auto miss = co_await c->get("app/missing");
    EXPECT_TRUE(miss && !miss->value);
    EXPECT_TRUE(miss && miss->index >= 1);  // X-Consul-Index comes with a 404 too
}

ASYNC_TEST(consul_kv, keys_with_separator_and_recurse)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    for (const char* k : {"web/a", "web/b", "web/sub/c", "other/x"})
    {
        auto p = co_await c->put(k, k);
        EXPECT_TRUE(p && *p);
    }
    auto keys = co_await c->keys("web/", "/");
    EXPECT_TRUE(keys);
    if (keys)
    {
        EXPECT_EQ(keys->value, (std::vector<std::string>{"web/a", "web/b", "web/sub/"}));
    }
    auto all = co_await c->get_recurse("web/");
    EXPECT_TRUE(all && all->value.size() == 3);
    if (all && all->value.size() == 3)
    {
        EXPECT_EQ(all->value[2].key, "web/sub/c");
        EXPECT_EQ(all->value[2].value, "web/sub/c");
    }
    auto none = co_await c->keys("nothing/");
    EXPECT_TRUE(none && none->value.empty());
    auto none2 = co_await c->get_recurse("nothing/");
    EXPECT_TRUE(none2 && none2->value.empty());
}

ASYNC_TEST(consul_kv, cas_put_and_delete)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    put_options create_only;
    create_only.cas = 0;
    auto first = co_await c->put("k", "v1", create_only);
    auto second = co_await c->put("k", "v2", create_only);
    EXPECT_TRUE(first && *first);
    EXPECT_TRUE(second && !*second);
    auto cur = co_await c->get("k");
    std::uint64_t idx = cur && cur->value ? cur->value->modify_index : 0;
    put_options stale;
    stale.cas = idx + 100;
    auto s = co_await c->put("k", "v3", stale);
    EXPECT_TRUE(s && !*s);
    put_options fresh;
    fresh.cas = idx;
    auto f = co_await c->put("k", "v4", fresh);
    EXPECT_TRUE(f && *f);

    delete_options stale_del;
    stale_del.cas = 1;
    auto d1 = co_await c->remove("k", stale_del);
    EXPECT_TRUE(d1 && !*d1);
    auto d2 = co_await c->remove("k");
    EXPECT_TRUE(d2 && *d2);
    auto gone = co_await c->get("k");
    EXPECT_TRUE(gone && !gone->value);

    for (const char* k : {"tree/a", "tree/b/c"})
        co_await c->put(k, "x");
    delete_options rec;
    rec.recurse = true;
    auto d3 = co_await c->remove("tree/", rec);
    EXPECT_TRUE(d3 && *d3);
    auto left = co_await c->get_recurse("tree/");
    EXPECT_TRUE(left && left->value.empty());
}

ASYNC_TEST(consul_kv, value_over_512k_is_refused_before_sending)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto r = co_await c->put("big/key", std::string(max_value_size + 1, 'x'));
    EXPECT_TRUE(!r && r.error().code == errc::too_large);
    if (!r)
    {
        EXPECT_NE(r.error().message.find("big/key"), std::string::npos);
    }
    EXPECT_EQ(vk::test::sim_counter(sim, "PUT /v1/kv"), 0);
    auto at_limit = co_await c->put("big/ok", std::string(max_value_size, 'x'));
    EXPECT_TRUE(at_limit && *at_limit);
}

ASYNC_TEST(consul_kv, conflicting_put_options_are_invalid)
{
    sim_process sim("consul-sim");
    auto c = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    put_options o;
    o.cas = 1;
    o.acquire = "s";
    auto r = co_await c->put("k", "v", o);
    EXPECT_TRUE(!r && r.error().code == errc::invalid_argument);
    auto e = co_await c->get("");
    EXPECT_TRUE(!e && e.error().code == errc::invalid_argument);
}

ASYNC_TEST(consul_kv, acl_token_is_sent_and_403_is_permission_denied)
{
    sim_process sim("consul-sim", {"--acl-token", "root-token"});
    auto anon = co_await vk::test::make_consul(vk::test::consul_cfg(sim));
    auto denied = co_await anon->put("k", "v");
    EXPECT_TRUE(!denied && denied.error().code == errc::permission_denied);
    if (!denied)
    {
        EXPECT_EQ(denied.error().status, 403u);
        EXPECT_NE(denied.error().message.find("Permission denied"), std::string::npos);
        EXPECT_EQ(denied.error().message.find("root-token"), std::string::npos);
    }
    auto wrong = co_await vk::test::make_consul(vk::test::consul_cfg(sim, "not-a-token"));
    auto w = co_await wrong->get("k");
    EXPECT_TRUE(!w && w.error().code == errc::permission_denied);
    auto root = co_await vk::test::make_consul(vk::test::consul_cfg(sim, "root-token"));
    auto ok = co_await root->put("k", "v");
    EXPECT_TRUE(ok && *ok);
}

ASYNC_TEST(consul_kv, datacenter_is_sent_as_dc)
{
    sim_process sim("consul-sim", {"--datacenter", "dc7"});
    auto same_cfg = vk::test::consul_cfg(sim, "", "dc7");
    auto same = co_await vk::test::make_consul(same_cfg);
    auto ok = co_await same->put("k", "v");
    EXPECT_TRUE(ok && *ok);
    client_options once;
    once.retry.max_attempts = 1;
    auto other_cfg = vk::test::consul_cfg(sim, "", "dc9");
    auto other = co_await vk::test::make_consul(other_cfg, once);
    auto r = co_await other->get("k");
    EXPECT_TRUE(!r && r.error().code == errc::server_error);
    if (!r)
    {
        EXPECT_NE(r.error().message.find("No path to datacenter"), std::string::npos);
    }
}

}  // namespace
