// vault/decode: every reply shape the client reads, including malformed ones (-> errc::bad_response).
#include "vault/model/decode.hpp"

#include <gtest/gtest.h>

namespace vk::vault {
namespace {

template <class T> void expect_malformed(const result<T>& r)
{
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::bad_response);
}

TEST(vault_decode, health_any_status)
{
    auto h =
        decode_health(429, R"({"initialized":true,"sealed":false,"standby":true,"performance_standby":false,
        "version":"1.21.0","cluster_name":"c","cluster_id":"id","server_time_utc":1716000000})");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 429u);
    EXPECT_TRUE(h->standby);
    EXPECT_EQ(h->version, "1.21.0");
    EXPECT_EQ(h->server_time_utc, 1716000000);
    expect_malformed(decode_health(200, "not json"));
    expect_malformed(decode_health(200, "[]"));
    expect_malformed(decode_health(200, R"({"sealed":"no"})"));
}

TEST(vault_decode, seal_status)
{
    auto s = decode_seal_status(R"({"type":"shamir","initialized":true,"sealed":true,"t":3,"n":5,"progress":2,
        "nonce":"abc","version":"1.21.0"})");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->sealed);
    EXPECT_EQ(s->t, 3u);
    EXPECT_EQ(s->n, 5u);
    EXPECT_EQ(s->progress, 2u);
    expect_malformed(decode_seal_status(R"({"t":3})"));  // no sealed field
    expect_malformed(decode_seal_status(R"({"sealed":true,"t":-1})"));
}

TEST(vault_decode, init)
{
    auto i = decode_init(R"({"keys":["aa","bb"],"keys_base64":["qg==","uw=="],"root_token":"hvs.x"})");
    ASSERT_TRUE(i);
    ASSERT_EQ(i->keys.size(), 2u);
    EXPECT_EQ(i->keys[1].reveal(), "bb");
    EXPECT_EQ(i->root_token.reveal(), "hvs.x");
    expect_malformed(decode_init(R"({"keys":["aa"]})"));
    expect_malformed(decode_init(R"({"keys":[1],"root_token":"x"})"));
}

TEST(vault_decode, leader)
{
    auto l = decode_leader(R"({"ha_enabled":true,"is_self":false,"leader_address":"https://a:8200",
        "leader_cluster_address":"https://a:8201","raft_committed_index":42,"raft_applied_index":41})");
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->ha_enabled);
    EXPECT_EQ(l->leader_address, "https://a:8200");
    EXPECT_EQ(l->raft_applied_index, 41u);
    expect_malformed(decode_leader(R"({"ha_enabled":1})"));
}

TEST(vault_decode, mounts_detect_kv_versions)
{
    auto m = decode_mounts(R"({"request_id":"r","secret/":{"type":"kv","options":{"version":"2"}},
        "data":{"secret/":{"type":"kv","options":{"version":"2"},"accessor":"kv_1"},
                "old/":{"type":"kv","options":{"version":"1"}},
                "legacy/":{"type":"generic","options":null},
                "nov/":{"type":"kv","options":null},
                "sys/":{"type":"system"}}})");
    ASSERT_TRUE(m);
    ASSERT_EQ(m->size(), 5u);
    EXPECT_EQ((*m)[0].path, "legacy/");
    EXPECT_EQ((*m)[0].kv, kv_version::v1);
    EXPECT_EQ((*m)[1].kv, kv_version::v1);  // nov/
    EXPECT_EQ((*m)[2].kv, kv_version::v1);  // old/
    EXPECT_EQ((*m)[3].path, "secret/");
    EXPECT_EQ((*m)[3].kv, kv_version::v2);
    EXPECT_EQ((*m)[3].accessor, "kv_1");
    EXPECT_EQ((*m)[4].kv, kv_version::none);
    expect_malformed(decode_mounts(R"({"data":{"x/":{"type":"kv","options":{"version":2}}}})"));
    expect_malformed(decode_mounts("{"));
}

TEST(vault_decode, capabilities)
{
    auto c = decode_capabilities(R"({"data":{"a":["read","update"],"b":["deny"]}})", {"a", "b", "c"});
    ASSERT_TRUE(c);
    EXPECT_EQ((*c)["a"], (std::vector<std::string>{"read", "update"}));
    EXPECT_EQ((*c)["c"], (std::vector<std::string>{"deny"}));
    auto one = decode_capabilities(R"({"capabilities":["root"]})", {"x"});
    ASSERT_TRUE(one);
    EXPECT_EQ((*one)["x"], (std::vector<std::string>{"root"}));
    expect_malformed(decode_capabilities(R"({"data":{"a":"read"}})", {"a"}));
}

TEST(vault_decode, token_lookup)
{
    auto t = decode_token_lookup(R"({"data":{"policies":["default","app"],"ttl":3599,"creation_ttl":3600,
        "explicit_max_ttl":0,"expire_time":"2026-01-01T00:00:00Z","renewable":true,"id":"hvs.secret"}})");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->ttl.count(), 3599);
    EXPECT_EQ(t->creation_ttl.count(), 3600);
    EXPECT_TRUE(t->renewable);
    EXPECT_FALSE(t->root);
    EXPECT_EQ(*t->expire_time, "2026-01-01T00:00:00Z");
    auto root = decode_token_lookup(R"({"data":{"policies":["root"],"ttl":0,"expire_time":null}})");
    ASSERT_TRUE(root);
    EXPECT_TRUE(root->root);
    EXPECT_FALSE(root->expire_time);
    expect_malformed(decode_token_lookup(R"({"data":null})"));
    expect_malformed(decode_token_lookup(R"({"data":{"ttl":"1h"}})"));
}

TEST(vault_decode, auth_block)
{
    auto a = decode_auth(R"({"data":null,"auth":{"client_token":"hvs.abc","policies":["default"],
        "lease_duration":2764800,"renewable":true}})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->token.reveal(), "hvs.abc");
    EXPECT_EQ(a->info.ttl.count(), 2764800);
    EXPECT_TRUE(a->info.renewable);
    expect_malformed(decode_auth(R"({"auth":null})"));
    expect_malformed(decode_auth(R"({"auth":{"client_token":5}})"));
    expect_malformed(decode_auth(R"({"auth":[]})"));
}

TEST(vault_decode, kv2_read_live_and_deleted)
{
    auto s = decode_kv2_read(
        R"({"data":{"data":{"k":"v"},"metadata":{"created_time":"t","custom_metadata":{"o":"x"},
        "deletion_time":"","destroyed":false,"version":3}}})");
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->deleted);
    EXPECT_EQ(s->data.at("k"), "v");
    EXPECT_EQ(s->meta.version, 3u);
    EXPECT_EQ(s->custom_metadata.at("o"), "x");
    auto d = decode_kv2_read(R"({"data":{"data":null,"metadata":{"created_time":"t","custom_metadata":null,
        "deletion_time":"2026-01-01T00:00:00Z","destroyed":false,"version":2}}})");
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->deleted);
    EXPECT_TRUE(d->data.empty());
    EXPECT_EQ(d->meta.deletion_time, "2026-01-01T00:00:00Z");
    expect_malformed(decode_kv2_read(R"({"errors":[]})"));
    expect_malformed(decode_kv2_read(R"({"data":{"data":{}}})"));  // no metadata
    expect_malformed(decode_kv2_read(R"({"data":{"data":"x","metadata":{}}})"));
    expect_malformed(decode_kv2_read(R"({"data":{"data":{},"metadata":{"version":"3"}}})"));
}

TEST(vault_decode, kv2_write)
{
    auto w =
        decode_kv2_write(R"({"data":{"created_time":"t","deletion_time":"","destroyed":false,"version":4}})");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->version, 4u);
    expect_malformed(decode_kv2_write(R"({"data":{}})"));
    expect_malformed(decode_kv2_write(""));
}

TEST(vault_decode, kv2_metadata)
{
    auto m = decode_kv2_metadata(R"({"data":{"cas_required":false,"created_time":"c","current_version":3,
        "custom_metadata":{"owner":"me"},"delete_version_after":"0s","max_versions":0,"oldest_version":1,
        "updated_time":"u","versions":{"1":{"created_time":"a","deletion_time":"","destroyed":true},
        "2":{"created_time":"b","deletion_time":"d","destroyed":false},"3":{"created_time":"c","deletion_time":"","destroyed":false}}}})");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->current_version, 3u);
    EXPECT_EQ(m->updated_time, "u");
    EXPECT_EQ(m->custom_metadata.at("owner"), "me");
    ASSERT_EQ(m->versions.size(), 3u);
    EXPECT_TRUE(m->versions.at(1).destroyed);
    EXPECT_EQ(m->versions.at(2).deletion_time, "d");
    EXPECT_EQ(m->versions.at(3).version, 3u);
    auto nullcm =
        decode_kv2_metadata(R"({"data":{"current_version":1,"custom_metadata":null,"versions":{}}})");
    ASSERT_TRUE(nullcm);
    EXPECT_TRUE(nullcm->custom_metadata.empty());
    expect_malformed(decode_kv2_metadata(R"({"data":{"versions":{"x":{}}}})"));
    expect_malformed(decode_kv2_metadata(R"({"data":{"versions":{"1":5}}})"));
    expect_malformed(decode_kv2_metadata(R"({"data":{"custom_metadata":{"a":1}}})"));
}

TEST(vault_decode, list_and_kv1)
{
    auto l = decode_list(R"({"data":{"keys":["a","dir/"]}})");
    ASSERT_TRUE(l);
    EXPECT_EQ(*l, (std::vector<std::string>{"a", "dir/"}));
    expect_malformed(decode_list(R"({"data":{}})"));
    expect_malformed(decode_list(R"({"data":{"keys":[1]}})"));
    auto v1 = decode_kv1_read(R"({"lease_duration":2764800,"data":{"a":"b","n":1}})");
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1->at("a"), "b");
    expect_malformed(decode_kv1_read(R"({"data":null})"));
}

TEST(vault_decode, rekey_shapes)
{
    auto s = decode_rekey_status(R"({"nonce":"n1","started":true,"t":2,"n":3,"progress":1,"required":1,
        "pgp_fingerprints":null,"backup":false,"verification_required":true})");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->nonce, "n1");
    EXPECT_EQ(s->required, 1u);
    EXPECT_TRUE(s->verification_required);
    expect_malformed(decode_rekey_status(R"({"nonce":"n"})"));

    auto partial =
        decode_rekey_update(R"({"nonce":"n1","started":true,"t":2,"n":3,"progress":1,"required":2})");
    ASSERT_TRUE(partial);
    EXPECT_FALSE(partial->complete);
    EXPECT_EQ(partial->status.progress, 1u);
    auto done = decode_rekey_update(R"({"nonce":"n1","complete":true,"keys":["a","b"],"keys_base64":["x","y"],
        "verification_required":true,"verification_nonce":"v1"})");
    ASSERT_TRUE(done);
    EXPECT_TRUE(done->complete);
    EXPECT_EQ(done->keys_base64[1].reveal(), "y");
    EXPECT_EQ(done->verification_nonce, "v1");
    expect_malformed(decode_rekey_update(R"({"complete":true})"));

    auto v = decode_rekey_verify(R"({"nonce":"v1","started":true,"t":2,"n":3,"progress":1})");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->progress, 1u);
    auto vd = decode_rekey_verify(R"({"nonce":"v1","complete":true})");
    ASSERT_TRUE(vd);
    EXPECT_TRUE(vd->complete);
    expect_malformed(decode_rekey_verify(R"({"started":true})"));
}

TEST(vault_decode, raft_configuration)
{
    auto c = decode_raft_configuration(R"({"data":{"config":{"index":24,"servers":[
        {"node_id":"raft1","address":"127.0.0.1:8201","leader":true,"protocol_version":"3","voter":true},
        {"node_id":"raft2","address":"127.0.0.1:8202","leader":false,"protocol_version":"3","voter":true}]}}})");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->index, 24u);
    ASSERT_EQ(c->servers.size(), 2u);
    EXPECT_TRUE(c->servers[0].leader);
    EXPECT_EQ(c->servers[1].node_id, "raft2");
    EXPECT_EQ(c->servers[1].protocol_version, "3");
    expect_malformed(decode_raft_configuration(R"({"data":{}})"));
    expect_malformed(decode_raft_configuration(R"({"data":{"config":{"servers":[1]}}})"));
    expect_malformed(
        decode_raft_configuration(R"({"data":{"config":{"servers":[{"protocol_version":3}]}}})"));
}

TEST(vault_decode, ha_status)
{
    // As Vault answers it: the data, and the same keys injected at the top level.
    auto h = decode_ha_status(R"({"nodes":[
        {"hostname":"vault-0","api_address":"http://10.0.0.2:8200","cluster_address":"https://10.0.0.2:8201",
         "active_node":true,"last_echo":null,"version":"1.15.0"},
        {"hostname":"vault-1","api_address":"http://10.0.0.3:8200","cluster_address":"https://10.0.0.3:8201",
         "active_node":false,"last_echo":"2024-03-04T08:05:48.403148-05:00"}],
        "data":{"nodes":[]}})");
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->empty());                                          // data wins over the injected copy
    h = decode_ha_status(R"({"Nodes":[{"hostname":"n","api_address":"http://a:8200",
        "cluster_address":"https://a:8201","active_node":true}]})");  // older releases: "Nodes", top level
                                                                      // only
    ASSERT_TRUE(h);
    ASSERT_EQ(h->size(), 1u);
    EXPECT_EQ((*h)[0].cluster_address, "https://a:8201");
    EXPECT_TRUE((*h)[0].active);
    expect_malformed(decode_ha_status(R"({"data":{}})"));
    expect_malformed(decode_ha_status(R"({"data":{"nodes":[1]}})"));
    expect_malformed(decode_ha_status(R"({"data":{"nodes":[{"api_address":7}]}})"));
}

TEST(vault_decode, raft_join)
{
    auto j = decode_raft_join(R"({"joined":true})");
    ASSERT_TRUE(j);
    EXPECT_TRUE(*j);
    j = decode_raft_join(R"({"joined":false})");
    ASSERT_TRUE(j);
    EXPECT_FALSE(*j);
    expect_malformed(decode_raft_join("{}"));
    expect_malformed(decode_raft_join(R"({"joined":"yes"})"));
}

}  // namespace
}  // namespace vk::vault
