// Logical-layer routing and enforcement: mount table, unrouted paths, ACL checks, capabilities-self, KV v1.
#include "logical_fixture.hpp"

namespace vsim::test {
namespace {

using logical_layer = logical_test;

TEST_F(logical_layer, default_mounts_like_dev_vault)
{
    auto r = send("read", "sys/mounts");
    ASSERT_EQ(r.status, 200u);
    for (auto p : {"cubbyhole/", "identity/", "sys/", "secret/"})
    {
        EXPECT_TRUE(data(r).as_object().contains(p)) << p;
        EXPECT_TRUE(body(r).contains(p)) << "HTTPSysInjector copy of " << p;
    }
    EXPECT_EQ(json::serialize(data(r).at("secret/").at("options")), R"({"version":"2"})");
    EXPECT_EQ(data(r).at("secret/").at("type").as_string(), "kv");
    auto a = send("read", "sys/auth");
    EXPECT_TRUE(data(a).as_object().contains("token/"));
}

TEST_F(logical_layer, enable_kv_v1_and_v2_and_disable)
{
    EXPECT_EQ(send("update", "sys/mounts/kv1",
                   json::object{{"type", "kv"}, {"options", json::object{{"version", "1"}}}})
                  .status,
              204u);
    EXPECT_EQ(send("update", "sys/mounts/kv2",
                   json::object{{"type", "kv"}, {"options", json::object{{"version", "2"}}}})
                  .status,
              204u);
    auto dup = send("update", "sys/mounts/kv2", json::object{{"type", "kv"}});
    EXPECT_EQ(dup.status, 400u);
    EXPECT_EQ(first_error(dup), "path is already in use at kv2/");
    EXPECT_EQ(send("update", "sys/mounts/x", json::object{{"type", "nosuch"}}).status, 400u);
    auto one = send("read", "sys/mounts/kv2");
    EXPECT_EQ(json::serialize(data(one).at("options")), R"({"version":"2"})");
    EXPECT_EQ(send("update", "kv2/data/a", json::object{{"data", json::object{{"x", "1"}}}}).status, 200u);
    EXPECT_EQ(send("delete", "sys/mounts/kv2").status, 204u);
    auto gone = send("read", "kv2/data/a");
    EXPECT_EQ(gone.status, 404u);
    EXPECT_EQ(first_error(gone), "no handler for route \"kv2/data/a\". route entry not found.");
    EXPECT_EQ(send("delete", "sys/mounts/sys").status, 400u);
}

TEST_F(logical_layer, ui_mounts_for_cli_version_detection)
{
    auto r = send("read", "sys/internal/ui/mounts/secret/data/x");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("path").as_string(), "secret/");
    EXPECT_EQ(json::serialize(data(r).at("options")), R"({"version":"2"})");
    auto missing = send("read", "sys/internal/ui/mounts/nowhere");
    EXPECT_EQ(missing.status, 403u);
    EXPECT_TRUE(first_error(missing).starts_with("preflight capability check returned 403"));
}

TEST_F(logical_layer, kv_v1_read_write_list_delete)
{
    send("update", "sys/mounts/old", json::object{{"type", "kv"}});
    EXPECT_EQ(send("update", "old/a", json::object{{"k", "v"}}).status, 204u);
    EXPECT_EQ(first_error(send("update", "old/b", json::object{})), "missing data fields");
    auto r = send("read", "old/a");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(body(r).at("lease_duration").as_int64(), 2764800);
    EXPECT_EQ(json::serialize(data(r)), R"({"k":"v"})");
    send("update", "old/t", json::object{{"ttl", "1h"}});
    EXPECT_EQ(body(send("read", "old/t")).at("lease_duration").as_int64(), 3600);
    send("update", "old/dir/c", json::object{{"k", "v"}});
    EXPECT_EQ(json::serialize(data(send("list", "old/")).at("keys")), R"(["a","dir/","t"])");
    EXPECT_EQ(send("delete", "old/a").status, 204u);
    EXPECT_EQ(json::serialize(*send("read", "old/a").body), R"({"errors":[]})");
}

TEST_F(logical_layer, tune_reads_config_and_upgrades_kv_v1_to_v2)
{
    send("update", "sys/mounts/up",
         json::object{{"type", "kv"}, {"options", json::object{{"version", "1"}}}});
    send("update", "up/a", json::object{{"k", "v"}});
    auto t = send("read", "sys/mounts/up/tune");
    ASSERT_EQ(t.status, 200u);
    EXPECT_EQ(data(t).at("default_lease_ttl").as_int64(), 2764800);
    EXPECT_EQ(send("update", "sys/mounts/up/tune", json::object{{"options", json::object{{"version", "2"}}}})
                  .status,
              204u);
    auto r = send("read", "up/data/a");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(json::serialize(data(r).at("data")), R"({"k":"v"})");
    EXPECT_EQ(data(r).at("metadata").at("version").as_int64(), 1);
    EXPECT_EQ(send("update", "sys/mounts/up/tune", json::object{{"options", json::object{{"version", "1"}}}})
                  .status,
              400u);
}

TEST_F(logical_layer, policy_enforcement_create_vs_update)
{
    auto t = token_with("writer", R"(path "secret/data/app/*" { capabilities = ["create", "read"] })");
    json::object w{{"data", json::object{{"a", "1"}}}};
    EXPECT_EQ(send("update", "secret/data/app/one", w, t).status, 200u);
    auto again = send("update", "secret/data/app/one", w, t);
    EXPECT_EQ(again.status, 403u);
    EXPECT_EQ(first_error(again), "1 error occurred:\n\t* permission denied\n\n");
    EXPECT_EQ(send("read", "secret/data/app/one", nullptr, t).status, 200u);
    EXPECT_EQ(send("read", "secret/data/other", nullptr, t).status, 403u);
    EXPECT_EQ(send("read", "nomount/x", nullptr, t).status, 403u);
}

TEST_F(logical_layer, capabilities_self)
{
    auto t = token_with("caps", R"(path "secret/data/*" { capabilities = ["read", "update"] })");
    auto r = send("update", "sys/capabilities-self",
                  json::object{{"paths", json::array{"secret/data/x", "secret/metadata/x"}}}, t);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(json::serialize(data(r).at("secret/data/x")), R"(["read","update"])");
    EXPECT_EQ(json::serialize(body(r).at("secret/metadata/x")), R"(["deny"])");
    EXPECT_FALSE(data(r).as_object().contains("capabilities"));
    auto legacy =
        send("update", "sys/capabilities-self", json::object{{"path", "secret/data/x"}, {"token", t}}, t);
    EXPECT_EQ(json::serialize(body(legacy).at("capabilities")), R"(["read","update"])");
    auto rootcaps = send("update", "sys/capabilities-self", json::object{{"paths", json::array{"a/b"}}});
    EXPECT_EQ(json::serialize(data(rootcaps).at("a/b")), R"(["root"])");
}

TEST_F(logical_layer, policy_crud_current_and_legacy)
{
    EXPECT_EQ(send("update", "sys/policies/acl/Ops",
                   json::object{{"policy", R"(path "a/*" { capabilities = ["read"] })"}})
                  .status,
              204u);
    auto r = send("read", "sys/policies/acl/ops");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("name").as_string(), "ops");
    auto legacy = send("read", "sys/policy/ops");
    EXPECT_TRUE(body(legacy).contains("rules"));
    EXPECT_EQ(json::serialize(data(send("list", "sys/policies/acl/")).at("keys")),
              R"(["default","ops","root"])");
    EXPECT_EQ(json::serialize(body(send("read", "sys/policy")).at("policies")),
              R"(["default","ops","root"])");
    auto bad =
        send("update", "sys/policy/bad", json::object{{"policy", "path \"x\" { capabilities = [\"fly\"] }"}});
    EXPECT_EQ(bad.status, 400u);
    EXPECT_TRUE(first_error(bad).starts_with("failed to parse policy: "));
    EXPECT_EQ(send("delete", "sys/policy/default").status, 400u);
    EXPECT_EQ(send("update", "sys/policy/root", json::object{{"policy", "x"}}).status, 400u);
    EXPECT_EQ(send("delete", "sys/policies/acl/ops").status, 204u);
    EXPECT_EQ(send("read", "sys/policies/acl/ops").status, 404u);
}

TEST_F(logical_layer, policy_change_takes_effect_for_existing_token)
{
    auto t = token_with("dyn", R"(path "secret/data/*" { capabilities = ["read"] })");
    send("update", "secret/data/k", json::object{{"data", json::object{{"a", "1"}}}});
    EXPECT_EQ(send("read", "secret/data/k", nullptr, t).status, 200u);
    send("update", "sys/policies/acl/dyn",
         json::object{{"policy", R"(path "secret/data/*" { capabilities = ["deny"] })"}});
    EXPECT_EQ(send("read", "secret/data/k", nullptr, t).status, 403u);
}

TEST_F(logical_layer, allowed_for_core_sudo_checks)
{
    auto t = token_with("snap", R"(path "sys/storage/raft/snapshot" { capabilities = ["read", "sudo"] })");
    EXPECT_TRUE(lg.allowed(t, "sys/storage/raft/snapshot", "sudo", now));
    EXPECT_FALSE(lg.allowed(t, "sys/storage/raft/snapshot", "update", now));
    EXPECT_TRUE(lg.allowed(root, "sys/storage/raft/snapshot", "sudo", now));
}

TEST_F(logical_layer, cubbyhole_is_per_token)
{
    auto a = token_with("unrelated", R"(path "other/*" { capabilities = ["read"] })");
    EXPECT_EQ(send("update", "cubbyhole/x", json::object{{"v", "1"}}, a).status, 204u);
    EXPECT_EQ(send("read", "cubbyhole/x", nullptr, a).status, 200u);
    EXPECT_EQ(send("read", "cubbyhole/x").status, 404u);
    auto before = st.size();
    EXPECT_EQ(send("update", "auth/token/revoke-self", nullptr, a).status, 204u);
    // The token entry, its accessor and parent index entries and its cubbyhole value are all gone.
    EXPECT_EQ(st.size(), before - 4);
}

TEST_F(logical_layer, state_survives_storage_replacement)
{
    send("update", "secret/data/s", json::object{{"data", json::object{{"a", "1"}}}});
    auto copy = st.entries();
    storage other;
    logical l2{other};
    other.replace_all(copy);
    request r{"read", "secret/data/s", {}, nullptr, "dev-root", ""};
    EXPECT_EQ(l2.handle(r, now).status, 200u);
    st.replace_all({});
    lg.reload();
    EXPECT_EQ(send("read", "secret/data/s").status, 403u);
}

}  // namespace
}  // namespace vsim::test
