// KV v2 semantics of the logical layer: versions, check-and-set, soft delete, destroy, metadata, lists, 404s.
#include "logical_fixture.hpp"

namespace vsim::test {
namespace {

using kv_v2 = logical_test;

json::object secret(std::string v)
{
    return json::object{{"data", json::object{{"k", v}}}};
}

TEST_F(kv_v2, write_then_read_returns_data_and_metadata)
{
    auto w = send("create", "secret/data/app/db", secret("one"));
    ASSERT_EQ(w.status, 200u);
    EXPECT_EQ(data(w).at("version").as_int64(), 1);
    EXPECT_EQ(data(w).at("deletion_time").as_string(), "");
    EXPECT_EQ(data(w).at("created_time").as_string(), "2023-11-14T22:13:20.123456789Z");
    auto r = send("read", "secret/data/app/db");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("data").at("k").as_string(), "one");
    EXPECT_EQ(body(r).at("mount_type").as_string(), "kv");
    EXPECT_TRUE(body(r).at("wrap_info").is_null());
    EXPECT_TRUE(data(r).at("metadata").at("custom_metadata").is_null());
}

TEST_F(kv_v2, read_of_missing_key_is_bare_404)
{
    auto r = send("read", "secret/data/nope");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(json::serialize(*r.body), R"({"errors":[]})");
}

TEST_F(kv_v2, versions_and_version_query)
{
    send("update", "secret/data/x", secret("a"));
    send("update", "secret/data/x", secret("b"));
    auto r = send("read", "secret/data/x", nullptr, "", {{"version", "1"}});
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("data").at("k").as_string(), "a");
    EXPECT_EQ(send("read", "secret/data/x", nullptr, "", {{"version", "7"}}).status, 404u);
    EXPECT_EQ(data(send("read", "secret/data/x")).at("metadata").at("version").as_int64(), 2);
}

TEST_F(kv_v2, cas_mismatch_and_cas_required)
{
    send("update", "secret/data/c", secret("a"));
    json::object w = secret("b");
    w["options"] = json::object{{"cas", 0}};
    auto r = send("update", "secret/data/c", w);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(first_error(r), "check-and-set parameter did not match the current version");
    w["options"] = json::object{{"cas", "1"}};
    EXPECT_EQ(send("update", "secret/data/c", w).status, 200u);
    EXPECT_EQ(send("update", "secret/metadata/c", json::object{{"cas_required", true}}).status, 204u);
    auto need = send("update", "secret/data/c", secret("c"));
    EXPECT_EQ(first_error(need), "check-and-set parameter required for this call");
    w["options"] = json::object{{"cas", "x"}};
    EXPECT_EQ(first_error(send("update", "secret/data/c", w)), "error parsing check-and-set parameter");
    EXPECT_EQ(first_error(send("update", "secret/data/c", json::object{})), "no data provided");
}

TEST_F(kv_v2, soft_delete_gives_404_with_envelope_and_undelete_restores)
{
    send("update", "secret/data/d", secret("a"));
    EXPECT_EQ(send("delete", "secret/data/d").status, 204u);
    auto r = send("read", "secret/data/d");
    ASSERT_EQ(r.status, 404u);
    EXPECT_TRUE(data(r).at("data").is_null());
    EXPECT_EQ(data(r).at("metadata").at("deletion_time").as_string(), "2023-11-14T22:13:20.123456789Z");
    EXPECT_FALSE(body(r).contains("errors"));
    EXPECT_EQ(send("update", "secret/undelete/d", json::object{{"versions", json::array{1}}}).status, 204u);
    EXPECT_EQ(send("read", "secret/data/d").status, 200u);
    EXPECT_EQ(send("update", "secret/delete/d", json::object{{"versions", json::array{"1"}}}).status, 204u);
    EXPECT_EQ(send("read", "secret/data/d").status, 404u);
    EXPECT_EQ(first_error(send("update", "secret/delete/d", json::object{{"versions", json::array{}}})),
              "No version number provided");
}

TEST_F(kv_v2, destroy_is_permanent)
{
    send("update", "secret/data/e", secret("a"));
    EXPECT_EQ(send("update", "secret/destroy/e", json::object{{"versions", json::array{1}}}).status, 204u);
    auto r = send("read", "secret/data/e");
    EXPECT_EQ(r.status, 404u);
    EXPECT_TRUE(data(r).at("metadata").at("destroyed").as_bool());
    send("update", "secret/undelete/e", json::object{{"versions", json::array{1}}});
    EXPECT_EQ(send("read", "secret/data/e").status, 404u);
    EXPECT_EQ(first_error(send("update", "secret/destroy/e", json::object{})), "no version number provided");
}

TEST_F(kv_v2, max_versions_prunes_oldest)
{
    send("update", "secret/metadata/m", json::object{{"max_versions", 2}});
    for (auto v : {"a", "b", "c"})
        send("update", "secret/data/m", secret(v));
    auto md = send("read", "secret/metadata/m");
    ASSERT_EQ(md.status, 200u);
    auto& d = body(md).at("data").as_object();
    EXPECT_EQ(d.at("current_version").as_int64(), 3);
    EXPECT_EQ(d.at("oldest_version").as_int64(), 2);
    EXPECT_EQ(d.at("max_versions").as_int64(), 2);
    EXPECT_FALSE(d.at("versions").as_object().contains("1"));
    EXPECT_TRUE(d.at("versions").as_object().contains("3"));
    EXPECT_EQ(d.at("delete_version_after").as_string(), "0s");
}

TEST_F(kv_v2, list_metadata_and_empty_dir_404)
{
    send("update", "secret/data/dir/a", secret("1"));
    send("update", "secret/data/dir/sub/b", secret("2"));
    auto l = send("list", "secret/metadata/dir/");
    ASSERT_EQ(l.status, 200u);
    EXPECT_EQ(json::serialize(data(l).at("keys")), R"(["a","sub/"])");
    auto empty = send("list", "secret/metadata/none/");
    EXPECT_EQ(empty.status, 404u);
    EXPECT_EQ(json::serialize(*empty.body), R"({"errors":[]})");
}

TEST_F(kv_v2, list_exclude_deleted_drops_soft_deleted_keys)
{
    send("update", "secret/data/l/live", secret("1"));
    send("update", "secret/data/l/gone", secret("1"));
    send("delete", "secret/data/l/gone");
    EXPECT_EQ(json::serialize(data(send("list", "secret/metadata/l/")).at("keys")), R"(["gone","live"])");
    auto l = send("list", "secret/metadata/l/", nullptr, "", {{"exclude_deleted", "true"}});
    EXPECT_EQ(json::serialize(data(l).at("keys")), R"(["live"])");
}

TEST_F(kv_v2, patch_merges_and_needs_merge_patch_content_type)
{
    send("update", "secret/data/p", json::object{{"data", json::object{{"a", "1"}, {"b", "2"}}}});
    auto bad = send("patch", "secret/data/p", json::object{{"data", json::object{{"a", "9"}}}}, "", {},
                    "application/json");
    EXPECT_EQ(bad.status, 415u);
    auto p = send("patch", "secret/data/p", json::object{{"data", json::object{{"a", "9"}, {"b", nullptr}}}},
                  "", {}, "application/merge-patch+json");
    ASSERT_EQ(p.status, 200u);
    EXPECT_EQ(data(p).at("version").as_int64(), 2);
    EXPECT_EQ(json::serialize(data(send("read", "secret/data/p")).at("data")), R"({"a":"9"})");
    EXPECT_EQ(send("patch", "secret/data/missing", json::object{{"data", json::object{{"a", "1"}}}}, "", {},
                   "application/merge-patch+json")
                  .status,
              404u);
}

TEST_F(kv_v2, v1_style_path_warns)
{
    auto r = send("read", "secret/foo");
    EXPECT_EQ(r.status, 404u);
    EXPECT_TRUE(data(r).is_null());
    EXPECT_NE(std::string(body(r).at("warnings").at(0).as_string()).find("Invalid path for a versioned K/V"),
              std::string::npos);
}

TEST_F(kv_v2, metadata_delete_removes_everything)
{
    send("update", "secret/data/z", secret("1"));
    EXPECT_EQ(send("delete", "secret/metadata/z").status, 204u);
    EXPECT_EQ(send("read", "secret/data/z").status, 404u);
    EXPECT_EQ(send("read", "secret/metadata/z").status, 404u);
}

TEST_F(kv_v2, config_cas_required_applies_to_writes)
{
    EXPECT_EQ(
        send("update", "secret/config", json::object{{"cas_required", true}, {"max_versions", 5}}).status,
        204u);
    auto c = send("read", "secret/config");
    EXPECT_TRUE(data(c).at("cas_required").as_bool());
    EXPECT_EQ(data(c).at("max_versions").as_int64(), 5);
    EXPECT_EQ(send("update", "secret/data/q", secret("1")).status, 400u);
}

TEST_F(kv_v2, delete_version_after_expires_versions)
{
    send("update", "secret/metadata/t", json::object{{"delete_version_after", "1h"}});
    send("update", "secret/data/t", secret("1"));
    EXPECT_EQ(send("read", "secret/data/t").status, 200u);
    now += std::chrono::hours(2);
    EXPECT_EQ(send("read", "secret/data/t").status, 404u);
}

TEST_F(kv_v2, synthetic_load_is_readable)
{
    // Speed is measured by tests/bench/vault_sim_bench.sh; this checks what the load writes.
    ASSERT_TRUE(lg.load_synthetic("secret/", "bench/s", 1000, now));
    for (int i : {0, 500, 999})
    {
        auto r = send("read", "secret/data/bench/s" + std::to_string(i));
        ASSERT_EQ(r.status, 200u);
        EXPECT_EQ(data(r).at("data").at("value").as_string(), "synthetic-" + std::to_string(i));
        EXPECT_EQ(data(r).at("metadata").at("version").as_int64(), 1);
    }
    EXPECT_EQ(send("read", "secret/data/bench/s1000").status, 404u);
    EXPECT_FALSE(lg.load_synthetic("cubbyhole/", "x", 1, now));
}

}  // namespace
}  // namespace vsim::test
