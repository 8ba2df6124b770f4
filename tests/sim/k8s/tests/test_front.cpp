// Unit tests of k8s-sim's HTTP front without sockets: routes, authentication, Status bodies, selectors.
#include "front_fixture.hpp"

namespace json = boost::json;

namespace {

struct k8s_front : ksim::testing::front_fixture
{
};

const std::string ours =
    R"({"metadata":{"name":"a","labels":{"app.kubernetes.io/managed-by":"vaultkeeper"}},)"
    R"("data":{"value":"c2hhcmQ="}})";

}  // namespace

TEST_F(k8s_front, create_read_replace_delete)
{
    auto created = call("POST", "/api/v1/namespaces/vault/secrets", ours);
    ASSERT_EQ(created.status, 201u);
    EXPECT_EQ(body(created)["kind"], "Secret");
    EXPECT_EQ(body(created)["data"].as_object()["value"], "c2hhcmQ=");
    const auto rv = std::string(body(created)["metadata"].as_object()["resourceVersion"].as_string());
    auto read = call("GET", "/api/v1/namespaces/vault/secrets/a");
    EXPECT_EQ(read.status, 200u);
    auto stale = R"({"metadata":{"name":"a","resourceVersion":"999"},"data":{"value":"eA=="}})";
    auto conflict = call("PUT", "/api/v1/namespaces/vault/secrets/a", stale);
    EXPECT_EQ(conflict.status, 409u);
    EXPECT_EQ(body(conflict)["reason"], "Conflict");
    EXPECT_EQ(body(conflict)["details"].as_object()["kind"], "secrets");
    auto fresh = R"({"metadata":{"name":"a","resourceVersion":")" + rv + R"("},"data":{"value":"eA=="}})";
    EXPECT_EQ(call("PUT", "/api/v1/namespaces/vault/secrets/a", fresh).status, 200u);
    auto deleted = call("DELETE", "/api/v1/namespaces/vault/secrets/a");
    EXPECT_EQ(deleted.status, 200u);
    EXPECT_EQ(body(deleted)["status"], "Success");
    auto gone = call("GET", "/api/v1/namespaces/vault/secrets/a");
    EXPECT_EQ(gone.status, 404u);
    EXPECT_EQ(body(gone)["message"], "secrets \"a\" not found");
    EXPECT_EQ(body(gone)["code"], 404);
}

TEST_F(k8s_front, token_is_required_but_probes_are_open)
{
    auto res = call("GET", "/api/v1/namespaces/vault/secrets", {}, false);
    EXPECT_EQ(res.status, 401u);
    EXPECT_EQ(body(res)["reason"], "Unauthorized");
    EXPECT_EQ(call("GET", "/readyz", {}, false).status, 200u);
    EXPECT_EQ(call("GET", "/version", {}, false).status, 200u);
}

TEST_F(k8s_front, the_request_log_counts_authenticated_calls_by_method_and_path)
{
    call("POST", "/api/v1/namespaces/vault/secrets", ours);
    call("GET", "/api/v1/namespaces/vault/secrets/a");
    call("GET", "/api/v1/namespaces/vault/secrets/a");
    call("GET", "/api/v1/namespaces/vault/secrets?watch=true");
    call("GET", "/api/v1/namespaces/vault/secrets/a", {}, false);  // refused: not logged
    call("GET", "/healthz", {}, false);
    const std::map<std::string, std::uint64_t> expected{{"POST /api/v1/namespaces/vault/secrets", 1},
                                                        {"GET /api/v1/namespaces/vault/secrets/a", 2},
                                                        {"GET /api/v1/namespaces/vault/secrets?watch", 1}};
    EXPECT_EQ(k8s.requests(), expected);
}

TEST_F(k8s_front, list_by_label_and_field_selector)
{
    call("POST", "/api/v1/namespaces/vault/secrets", ours);
    call("POST", "/api/v1/namespaces/vault/secrets", R"({"metadata":{"name":"foreign"}})");
    auto all = body(call("GET", "/api/v1/namespaces/vault/secrets"));
    EXPECT_EQ(all["kind"], "SecretList");
    EXPECT_EQ(all["items"].as_array().size(), 2u);
    EXPECT_FALSE(all["items"].as_array()[0].as_object().contains("kind"));
    auto mine = body(call("GET", "/api/v1/namespaces/vault/secrets?labelSelector=app.kubernetes.io/"
                                 "managed-by=vaultkeeper"));
    ASSERT_EQ(mine["items"].as_array().size(), 1u);
    EXPECT_EQ(mine["items"].as_array()[0].as_object()["metadata"].as_object()["name"], "a");
    auto by_name = body(call("GET", "/api/v1/secrets?fieldSelector=metadata.name=foreign"));
    EXPECT_EQ(by_name["items"].as_array().size(), 1u);
    EXPECT_EQ(call("GET", "/api/v1/namespaces/vault/secrets?fieldSelector=data.x=1").status, 400u);
}

TEST_F(k8s_front, bad_bodies_and_paths)
{
    auto bad64 =
        call("POST", "/api/v1/namespaces/vault/secrets", R"({"metadata":{"name":"b"},"data":{"v":"!!"}})");
    EXPECT_EQ(bad64.status, 400u);
    EXPECT_EQ(body(bad64)["message"],
              "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0");
    auto other_ns =
        call("POST", "/api/v1/namespaces/vault/secrets", R"({"metadata":{"name":"b","namespace":"x"}})");
    EXPECT_EQ(other_ns.status, 400u);
    auto mismatch = call("PUT", "/api/v1/namespaces/vault/secrets/a", R"({"metadata":{"name":"b"}})");
    EXPECT_EQ(body(mismatch)["message"], "the name of the object (b) does not match the name on the URL (a)");
    EXPECT_EQ(call("GET", "/api/v1/namespaces/vault/configmaps").status, 404u);
    EXPECT_EQ(call("PATCH", "/api/v1/namespaces/vault/secrets/a").status, 405u);
    auto with_rv = call("POST", "/api/v1/namespaces/vault/secrets",
                        R"({"metadata":{"name":"c","resourceVersion":"1"}})");
    EXPECT_EQ(with_rv.status, 500u);
}

TEST_F(k8s_front, string_data_and_generate_name)
{
    auto res = call("POST", "/api/v1/namespaces/vault/secrets",
                    R"({"metadata":{"generateName":"shard-"},"stringData":{"k":"plain"}})");
    ASSERT_EQ(res.status, 201u);
    auto obj = body(res);
    EXPECT_TRUE(obj["metadata"].as_object()["name"].as_string().starts_with("shard-"));
    EXPECT_EQ(obj["data"].as_object()["k"], "cGxhaW4=");
    EXPECT_FALSE(obj.contains("stringData"));
}

TEST_F(k8s_front, delete_with_a_stale_precondition_conflicts)
{
    call("POST", "/api/v1/namespaces/vault/secrets", ours);
    auto res =
        call("DELETE", "/api/v1/namespaces/vault/secrets/a", R"({"preconditions":{"resourceVersion":"42"}})");
    EXPECT_EQ(res.status, 409u);
    EXPECT_EQ(body(res)["reason"], "Conflict");
    EXPECT_EQ(call("GET", "/api/v1/namespaces/vault/secrets/a").status, 200u);
}

TEST_F(k8s_front, only_json_bodies_are_understood)
{
    auto yaml =
        call("POST", "/api/v1/namespaces/vault/secrets", "metadata: {name: a}", true, "application/yaml");
    EXPECT_EQ(yaml.status, 415u);
    EXPECT_EQ(body(yaml)["reason"], "UnsupportedMediaType");
    EXPECT_EQ(call("POST", "/api/v1/namespaces/vault/secrets", ours, true, "application/json; charset=utf-8")
                  .status,
              201u);
    EXPECT_EQ(call("PUT", "/api/v1/namespaces/vault/secrets/a", ours, true, "").status, 200u);
}
