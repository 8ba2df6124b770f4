// AppRole: enable, role CRUD, role-id, secret-id, login and the invalid-credential errors.
#include "logical_fixture.hpp"

namespace vsim::test {
namespace {

class approle : public logical_test
{
protected:
    void SetUp() override
    {
        ASSERT_EQ(send("update", "sys/auth/approle", json::object{{"type", "approle"}}).status, 204u);
        ASSERT_EQ(send("update", "auth/approle/role/app",
                       json::object{{"token_policies", json::array{"app"}}, {"token_ttl", "20m"}})
                      .status,
                  204u);
    }
    std::string role_id()
    {
        return std::string(data(send("read", "auth/approle/role/app/role-id")).at("role_id").as_string());
    }
    std::string secret_id()
    {
        return std::string(data(send("update", "auth/approle/role/app/secret-id", json::object{}))
                               .at("secret_id")
                               .as_string());
    }
    response login(std::string rid, std::string sid)
    {
        request r{"update", "auth/approle/login", {}, json::object{{"role_id", rid}, {"secret_id", sid}}, "",
                  ""};
        return lg.handle(r, now);
    }
};

TEST_F(approle, login_issues_token_with_role_policies)
{
    auto r = login(role_id(), secret_id());
    ASSERT_EQ(r.status, 200u);
    auto& auth = body(r).at("auth").as_object();
    EXPECT_EQ(json::serialize(auth.at("policies")), R"(["app","default"])");
    EXPECT_EQ(json::serialize(auth.at("metadata")), R"({"role_name":"app"})");
    EXPECT_EQ(auth.at("lease_duration").as_int64(), 1200);
    EXPECT_TRUE(auth.at("orphan").as_bool());
    EXPECT_EQ(body(r).at("mount_type").as_string(), "approle");
    auto tok = std::string(auth.at("client_token").as_string());
    EXPECT_EQ(send("read", "auth/token/lookup-self", nullptr, tok).status, 200u);
}

TEST_F(approle, wrong_secret_or_role_is_400)
{
    auto bad = login(role_id(), "nope");
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(first_error(bad), "invalid role or secret ID");
    EXPECT_EQ(first_error(login("nope", secret_id())), "invalid role or secret ID");
    EXPECT_EQ(first_error(login("", "")), "missing role_id");
}

TEST_F(approle, role_read_list_delete)
{
    auto r = send("read", "auth/approle/role/app");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(data(r).at("token_ttl").as_int64(), 1200);
    EXPECT_EQ(json::serialize(data(r).at("token_policies")), R"(["app"])");
    EXPECT_EQ(json::serialize(data(send("list", "auth/approle/role/")).at("keys")), R"(["app"])");
    auto rid = role_id();
    EXPECT_EQ(send("delete", "auth/approle/role/app").status, 204u);
    EXPECT_EQ(send("read", "auth/approle/role/app").status, 404u);
    EXPECT_EQ(first_error(login(rid, "x")), "invalid role or secret ID");
}

TEST_F(approle, secret_id_num_uses_and_destroy)
{
    auto g = send("update", "auth/approle/role/app/secret-id", json::object{{"num_uses", 1}});
    auto sid = std::string(data(g).at("secret_id").as_string());
    EXPECT_EQ(login(role_id(), sid).status, 200u);
    EXPECT_EQ(login(role_id(), sid).status, 400u);
    auto sid2 = secret_id();
    EXPECT_EQ(
        send("update", "auth/approle/role/app/secret-id/destroy", json::object{{"secret_id", sid2}}).status,
        204u);
    EXPECT_EQ(login(role_id(), sid2).status, 400u);
}

TEST_F(approle, custom_role_id)
{
    EXPECT_EQ(send("update", "auth/approle/role/app/role-id", json::object{{"role_id", "my-role"}}).status,
              204u);
    EXPECT_EQ(role_id(), "my-role");
    EXPECT_EQ(login("my-role", secret_id()).status, 200u);
}

}  // namespace
}  // namespace vsim::test
