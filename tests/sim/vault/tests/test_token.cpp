// Token store: root token, create, lookup(-self), renew with cap, revoke (with children), expiry, num_uses.
#include "logical_fixture.hpp"

namespace vsim::test {
namespace {

using token = logical_test;

std::string client_token(const response& r)
{
    return std::string(r.body->as_object().at("auth").at("client_token").as_string());
}

TEST_F(token, root_lookup_self)
{
    auto r = send("read", "auth/token/lookup-self");
    ASSERT_EQ(r.status, 200u);
    auto d = data(r);
    EXPECT_EQ(d.at("id").as_string(), "dev-root");
    EXPECT_EQ(json::serialize(d.at("policies")), R"(["root"])");
    EXPECT_EQ(d.at("ttl").as_int64(), 0);
    EXPECT_TRUE(d.at("expire_time").is_null());
    EXPECT_EQ(d.at("path").as_string(), "auth/token/root");
}

TEST_F(token, initialize_without_dev_id_mints_hvs_token)
{
    storage s2;
    logical l2{s2};
    auto id = l2.initialize("", now);
    EXPECT_TRUE(id.starts_with("hvs."));
    EXPECT_TRUE(l2.allowed(id, "anything", "sudo", now));
    EXPECT_FALSE(l2.allowed("hvs.bogus", "anything", "read", now));
}

TEST_F(token, create_lookup_and_policies)
{
    auto c = send("update", "auth/token/create",
                  json::object{{"policies", json::array{"app"}}, {"ttl", "1h"}, {"display_name", "ci"}});
    ASSERT_EQ(c.status, 200u);
    auto& auth = body(c).at("auth").as_object();
    EXPECT_TRUE(auth.at("client_token").as_string().starts_with("hvs."));
    EXPECT_EQ(json::serialize(auth.at("policies")), R"(["app","default"])");
    EXPECT_EQ(auth.at("lease_duration").as_int64(), 3600);
    EXPECT_TRUE(auth.at("renewable").as_bool());
    EXPECT_FALSE(auth.at("orphan").as_bool());
    EXPECT_TRUE(data(c).is_null());
    auto l = send("read", "auth/token/lookup-self", nullptr, client_token(c));
    ASSERT_EQ(l.status, 200u);
    EXPECT_EQ(data(l).at("display_name").as_string(), "token-ci");
    EXPECT_EQ(data(l).at("ttl").as_int64(), 3600);
    auto other = send("update", "auth/token/lookup", json::object{{"token", client_token(c)}});
    EXPECT_EQ(other.status, 200u);
    EXPECT_EQ(send("update", "auth/token/lookup", json::object{{"token", "hvs.nope"}}).status, 403u);
}

TEST_F(token, root_child_without_ttl_never_expires_but_policy_child_gets_768h)
{
    auto c = send("update", "auth/token/create", json::object{});
    EXPECT_EQ(body(c).at("auth").at("lease_duration").as_int64(), 0);
    auto d = send("update", "auth/token/create", json::object{{"policies", "a,b"}});
    EXPECT_EQ(body(d).at("auth").at("lease_duration").as_int64(), 2764800);
}

TEST_F(token, expiry_makes_token_invalid_with_multierror_403)
{
    auto c = send("update", "auth/token/create", json::object{{"policies", json::array{"x"}}, {"ttl", 60}});
    auto t = client_token(c);
    now += std::chrono::seconds(61);
    auto r = send("read", "auth/token/lookup-self", nullptr, t);
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(first_error(r), "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
}

TEST_F(token, renew_self_with_increment_and_max_cap)
{
    auto c = send("update", "auth/token/create",
                  json::object{{"policies", json::array{"x"}}, {"ttl", "10m"}, {"explicit_max_ttl", "1h"}});
    auto t = client_token(c);
    now += std::chrono::minutes(5);
    auto r = send("update", "auth/token/renew-self", json::object{{"increment", "30m"}}, t);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(body(r).at("auth").at("lease_duration").as_int64(), 1800);
    auto capped = send("update", "auth/token/renew-self", json::object{{"increment", "2h"}}, t);
    EXPECT_EQ(body(capped).at("auth").at("lease_duration").as_int64(), 3300);
    EXPECT_FALSE(body(capped).at("warnings").is_null());
    EXPECT_EQ(send("update", "auth/token/renew-self", json::object{}).status, 400u);
    auto nr = send("update", "auth/token/create",
                   json::object{{"policies", json::array{"x"}}, {"renewable", false}});
    EXPECT_EQ(first_error(send("update", "auth/token/renew-self", nullptr, client_token(nr))),
              "lease is not renewable");
}

TEST_F(token, revoke_self_revokes_children_but_not_orphans)
{
    auto parent = client_token(send("update", "auth/token/create", json::object{}));
    auto child = client_token(send("update", "auth/token/create", json::object{}, parent));
    auto orphan = client_token(send("update", "auth/token/create-orphan", json::object{}, parent));
    EXPECT_EQ(send("update", "auth/token/revoke-self", nullptr, parent).status, 204u);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, parent).status, 403u);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, child).status, 403u);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, orphan).status, 200u);
}

TEST_F(token, revoke_orphan_keeps_children_as_orphans)
{
    auto parent = client_token(send("update", "auth/token/create", json::object{}));
    auto child = client_token(send("update", "auth/token/create", json::object{}, parent));
    EXPECT_EQ(send("update", "auth/token/revoke-orphan", json::object{{"token", parent}}).status, 204u);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, parent).status, 403u);
    auto c = send("read", "auth/token/lookup-self", nullptr, child);
    ASSERT_EQ(c.status, 200u);
    EXPECT_TRUE(data(c).at("orphan").as_bool());
}

TEST_F(token, expired_token_entry_is_purged_on_use)
{
    auto t = client_token(send("update", "auth/token/create", json::object{{"ttl", 5}}));
    auto before = st.size();
    now += std::chrono::seconds(6);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, t).status, 403u);
    EXPECT_LT(st.size(), before);
}

TEST_F(token, child_policies_must_be_subset)
{
    auto t = token_with("limited", R"(path "auth/token/create" { capabilities = ["update"] })");
    auto r = send("update", "auth/token/create", json::object{{"policies", json::array{"admin"}}}, t);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(first_error(r), "child policies must be subset of parent");
    EXPECT_EQ(
        send("update", "auth/token/create", json::object{{"policies", json::array{"limited"}}}, t).status,
        200u);
}

TEST_F(token, num_uses_limits_token)
{
    auto t = client_token(send("update", "auth/token/create", json::object{{"num_uses", 2}}));
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, t).status, 200u);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, t).status, 200u);
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, t).status, 403u);
}

TEST_F(token, missing_token_is_plain_permission_denied)
{
    request r{"read", "secret/data/x", {}, nullptr, "", ""};
    auto res = lg.handle(r, now);
    EXPECT_EQ(res.status, 403u);
    EXPECT_EQ(json::serialize(*res.body), R"({"errors":["permission denied"]})");
}

}  // namespace
}  // namespace vsim::test
