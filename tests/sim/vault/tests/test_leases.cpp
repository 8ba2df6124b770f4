// Leases of the database engine: creds answer shape, renewal capped by the max TTL (from issue), default
// increment, expiry on the sim clock, revoke / revoke-prefix, death with the creating token, lookup, ACL.
#include "logical_fixture.hpp"

#include "lease_store.hpp"
#include "vault_json.hpp"

namespace vsim::test {
namespace {

class leases_test : public logical_test
{
protected:
    void SetUp() override
    {
        ASSERT_EQ(send("update", "sys/mounts/database", json::object{{"type", "database"}}).status, 204u);
        ASSERT_EQ(send("update", "database/roles/ro",
                       json::object{{"db_name", "pg"},
                                    {"default_ttl", "1h"},
                                    {"max_ttl", 7200},
                                    {"creation_statements", json::array{"CREATE ROLE x"}}})
                      .status,
                  204u);
    }

    // GET database/creds/ro as token; returns the lease id.
    std::string creds(const std::string& token = "")
    {
        auto r = send("read", "database/creds/ro", nullptr, token);
        EXPECT_EQ(r.status, 200u);
        return std::string(body(r).at("lease_id").as_string());
    }

    response renew(const std::string& id, json::value increment = nullptr)
    {
        json::object b{{"lease_id", id}};
        if (!increment.is_null())
            b["increment"] = increment;
        return send("update", "sys/leases/renew", std::move(b));
    }

    std::size_t live() { return lg.live_leases(now).size(); }
};

TEST_F(leases_test, creds_answer_like_vault)
{
    auto r = send("read", "database/creds/ro");
    ASSERT_EQ(r.status, 200u);
    const auto& b = body(r);
    EXPECT_TRUE(b.at("lease_id").as_string().starts_with("database/creds/ro/"));
    EXPECT_EQ(b.at("lease_id").as_string().size(), std::string("database/creds/ro/").size() + 24);
    EXPECT_EQ(b.at("lease_duration").as_int64(), 3600);
    EXPECT_TRUE(b.at("renewable").as_bool());
    EXPECT_EQ(b.at("mount_type").as_string(), "database");
    auto again = send("read", "database/creds/ro");
    EXPECT_NE(data(r).at("username"), data(again).at("username"));
    EXPECT_NE(data(r).at("password"), data(again).at("password"));
    EXPECT_EQ(live(), 2u);
}

TEST_F(leases_test, role_read_list_and_errors)
{
    auto r = send("read", "database/roles/ro");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("default_ttl").as_int64(), 3600);
    EXPECT_EQ(data(r).at("max_ttl").as_int64(), 7200);
    EXPECT_EQ(json::serialize(data(r).at("creation_statements")), R"(["CREATE ROLE x"])");
    EXPECT_EQ(json::serialize(data(send("list", "database/roles/")).at("keys")), R"(["ro"])");
    auto bad = send("update", "database/roles/x",
                    json::object{{"db_name", "pg"}, {"default_ttl", 60}, {"max_ttl", 30}});
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(first_error(bad), "ttl cannot be greater than max_ttl");
    auto unknown = send("read", "database/creds/nope");
    EXPECT_EQ(unknown.status, 400u);
    EXPECT_EQ(first_error(unknown), "unknown role: nope");
}

TEST_F(leases_test, renew_grants_less_when_max_ttl_caps_it)
{
    auto id = creds();
    auto full = renew(id, "3h");
    ASSERT_EQ(full.status, 200u);
    EXPECT_EQ(body(full).at("lease_duration").as_int64(), 7200);
    EXPECT_EQ(body(full).at("warnings").as_array().size(), 1u);
    now += std::chrono::hours(1);
    auto half = renew(id, 3 * 3600);
    ASSERT_EQ(half.status, 200u);
    EXPECT_EQ(body(half).at("lease_duration").as_int64(), 3600);
    now += std::chrono::seconds(3601);
    auto gone = renew(id, 60);
    EXPECT_EQ(gone.status, 400u);
    EXPECT_EQ(first_error(gone), "lease not found");
}

TEST_F(leases_test, renew_without_increment_uses_the_role_ttl)
{
    auto id = creds();
    now += std::chrono::minutes(30);
    auto r = renew(id);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(body(r).at("lease_duration").as_int64(), 3600);
    EXPECT_TRUE(body(r).at("warnings").is_null());
    EXPECT_EQ(body(r).at("lease_id").as_string(), id);
    // The sys/renew alias with the id in the URL.
    EXPECT_EQ(send("update", "sys/renew/" + id).status, 200u);
}

TEST_F(leases_test, lease_expires_on_the_clock)
{
    auto id = creds();
    now += std::chrono::seconds(3599);
    EXPECT_EQ(live(), 1u);
    now += std::chrono::seconds(2);
    EXPECT_EQ(live(), 0u);
    EXPECT_EQ(first_error(renew(id)), "lease not found");
    auto l = send("update", "sys/leases/lookup", json::object{{"lease_id", id}});
    EXPECT_EQ(l.status, 400u);
    EXPECT_EQ(first_error(l), "invalid lease");
}

TEST_F(leases_test, lookup_reports_times)
{
    auto id = creds();
    now += std::chrono::seconds(100);
    ASSERT_EQ(renew(id, 600).status, 200u);
    auto r = send("update", "sys/leases/lookup", json::object{{"lease_id", id}});
    ASSERT_EQ(r.status, 200u);
    auto d = data(r);
    EXPECT_EQ(d.at("id").as_string(), id);
    EXPECT_EQ(d.at("ttl").as_int64(), 600);
    EXPECT_TRUE(d.at("renewable").as_bool());
    EXPECT_EQ(d.at("issue_time").as_string(), rfc3339_nano(unix_nanos(now - std::chrono::seconds(100))));
    EXPECT_EQ(d.at("last_renewal").as_string(), rfc3339_nano(unix_nanos(now)));
    EXPECT_EQ(d.at("expire_time").as_string(), rfc3339_nano(unix_nanos(now + std::chrono::seconds(600))));
    EXPECT_EQ(json::serialize(data(send("list", "sys/leases/lookup/database/creds/ro/")).at("keys")),
              "[\"" + id.substr(id.rfind('/') + 1) + "\"]");
}

TEST_F(leases_test, revoke_and_revoke_prefix)
{
    auto a = creds();
    auto b = creds();
    auto c = creds();
    EXPECT_EQ(send("update", "sys/leases/revoke", json::object{{"lease_id", a}}).status, 204u);
    EXPECT_EQ(first_error(renew(a)), "lease not found");
    EXPECT_EQ(send("update", "sys/leases/revoke", json::object{{"lease_id", a}}).status, 204u);  // idempotent
    EXPECT_EQ(live(), 2u);
    EXPECT_EQ(send("update", "sys/leases/revoke-prefix/").status, 404u);
    EXPECT_EQ(live(), 2u);
    EXPECT_EQ(send("update", "sys/leases/revoke-prefix/database/creds/ro").status, 204u);
    EXPECT_EQ(live(), 0u);
    EXPECT_EQ(first_error(renew(b)), "lease not found");
    EXPECT_EQ(first_error(renew(c)), "lease not found");
}

TEST_F(leases_test, unmount_revokes_the_engine_leases)
{
    creds();
    ASSERT_EQ(live(), 1u);
    EXPECT_EQ(send("delete", "sys/mounts/database").status, 204u);
    EXPECT_EQ(live(), 0u);
}

TEST_F(leases_test, leases_die_with_their_token)
{
    const std::string hcl = R"(path "database/creds/*" { capabilities = ["read"] }
path "sys/leases/renew" { capabilities = ["update"] })";
    auto revoked = token_with("creds", hcl);
    auto expiring = std::string(body(send("update", "auth/token/create",
                                          json::object{{"policies", json::array{"creds"}}, {"ttl", 600}}))
                                    .at("auth")
                                    .at("client_token")
                                    .as_string());
    auto kept = creds();
    auto by_revoked = creds(revoked);
    creds(expiring);
    EXPECT_EQ(live(), 3u);
    EXPECT_EQ(send("update", "auth/token/revoke-self", nullptr, revoked).status, 204u);
    EXPECT_EQ(live(), 2u);
    EXPECT_EQ(first_error(renew(by_revoked)), "lease not found");
    now += std::chrono::seconds(601);
    EXPECT_EQ(live(), 1u);
    EXPECT_EQ(renew(kept).status, 200u);
}

TEST_F(leases_test, lease_paths_obey_acl)
{
    auto t = token_with("creds-only", R"(path "database/creds/*" { capabilities = ["read"] })");
    auto id = creds(t);
    EXPECT_EQ(send("update", "sys/leases/renew", json::object{{"lease_id", id}}, t).status, 403u);
    EXPECT_EQ(send("update", "sys/leases/revoke", json::object{{"lease_id", id}}, t).status, 403u);
    EXPECT_EQ(send("update", "sys/leases/lookup", json::object{{"lease_id", id}}, t).status, 403u);
    // revoke-prefix is a root path: update alone is not enough, under either spelling.
    auto all = token_with("all", R"(path "sys/*" { capabilities = ["update"] })");
    EXPECT_EQ(send("update", "sys/leases/revoke-prefix/database", nullptr, all).status, 403u);
    EXPECT_EQ(send("update", "sys/revoke-prefix/database", nullptr, all).status, 403u);
    EXPECT_EQ(live(), 1u);
    EXPECT_EQ(send("update", "sys/leases/renew", json::object{{"lease_id", id}}, all).status, 200u);
}

TEST_F(leases_test, non_renewable_lease_is_refused)
{
    auto l = leases::create(st, {"x/creds/r", sha256_hex(root), 60, 0, false}, unix_nanos(now));
    auto r = leases::renew(st, l.id, 0, unix_nanos(now));
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_EQ(std::get<std::string>(r), "lease is not renewable");
}

}  // namespace
}  // namespace vsim::test
