// Unit tests of the kubernetes store's pure side: targets, bodies, answer decoding, Status mapping, base64.
#include "keeper/model/kubernetes_secret.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace vk;
using namespace vk::keeper::k8s;
namespace json = boost::json;

TEST(kubernetes_secret, targets)
{
    EXPECT_EQ(collection_target("vault"), "/api/v1/namespaces/vault/secrets");
    EXPECT_EQ(secret_target("vault", "shard-1"), "/api/v1/namespaces/vault/secrets/shard-1");
    EXPECT_EQ(list_target("vault"),
              "/api/v1/namespaces/vault/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dvaultkeeper");
}

TEST(kubernetes_secret, body_carries_label_base64_data_and_the_expected_version)
{
    auto body = json::parse(secret_body("vault", "shard-1", std::string("\0\xff", 2), "42")).as_object();
    EXPECT_EQ(body["kind"], "Secret");
    EXPECT_EQ(body["type"], "Opaque");
    auto& meta = body["metadata"].as_object();
    EXPECT_EQ(meta["name"], "shard-1");
    EXPECT_EQ(meta["namespace"], "vault");
    EXPECT_EQ(meta["resourceVersion"], "42");
    EXPECT_EQ(meta["labels"].as_object()["app.kubernetes.io/managed-by"], "vaultkeeper");
    EXPECT_EQ(body["data"].as_object()["value"], "AP8=");
    auto create = json::parse(secret_body("vault", "x", "", std::nullopt)).as_object();
    EXPECT_FALSE(create["metadata"].as_object().contains("resourceVersion"));
    EXPECT_EQ(json::parse(delete_body("7")).at("preconditions").at("resourceVersion"), "7");
    EXPECT_FALSE(json::parse(delete_body(std::nullopt)).as_object().contains("preconditions"));
}

TEST(kubernetes_secret, parse_secret_and_ownership)
{
    auto ours =
        parse_secret(R"({"metadata":{"name":"a","resourceVersion":"9",)"
                     R"("labels":{"app.kubernetes.io/managed-by":"vaultkeeper"}},"data":{"value":"aGk="}})");
    ASSERT_TRUE(ours);
    EXPECT_EQ(ours->data, "hi");
    EXPECT_EQ(ours->resource_version, "9");
    EXPECT_TRUE(ours->managed);
    auto foreign = parse_secret(R"({"metadata":{"name":"b","resourceVersion":"3"}})");
    ASSERT_TRUE(foreign);
    EXPECT_FALSE(foreign->managed);
    EXPECT_EQ(foreign->data, "");
    EXPECT_TRUE(parse_secret("nope").error().is(errc::bad_response));
    EXPECT_TRUE(parse_secret(R"({"metadata":{"name":"a"}})").error().is(errc::bad_response));
    EXPECT_TRUE(parse_secret(R"({"metadata":{"name":"a","resourceVersion":"1"},"data":{"value":"!"}})")
                    .error()
                    .is(errc::bad_response));
}

TEST(kubernetes_secret, list_keeps_only_our_names_sorted)
{
    auto names = parse_secret_names(
        R"({"kind":"SecretList","items":[)"
        R"({"metadata":{"name":"z","labels":{"app.kubernetes.io/managed-by":"vaultkeeper"}}},)"
        R"({"metadata":{"name":"foreign","labels":{"app.kubernetes.io/managed-by":"helm"}}},)"
        R"({"metadata":{"name":"a","labels":{"app.kubernetes.io/managed-by":"vaultkeeper"}}}]})");
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"a", "z"}));
    EXPECT_TRUE(parse_secret_names(R"({"items":null})")->empty());
    EXPECT_TRUE(parse_secret_names(R"({"kind":"Status"})").error().is(errc::bad_response));
}

TEST(kubernetes_secret, status_errors_map_to_errc_with_the_servers_words)
{
    const std::string conflict = R"({"kind":"Status","reason":"Conflict","message":"Operation cannot be )"
                                 R"(fulfilled on secrets \"a\": the object has been modified"})";
    auto e = status_error(409, conflict, "put a");
    EXPECT_TRUE(e.is(errc::conflict));
    EXPECT_EQ(e.status, 409u);
    EXPECT_NE(e.message.find("put a: HTTP 409 Conflict Operation cannot be fulfilled"), std::string::npos);
    EXPECT_EQ(status_reason(conflict), "Conflict");
    EXPECT_TRUE(status_error(404, "", "get a").is(errc::not_found));
    EXPECT_TRUE(status_error(401, "", "list").is(errc::permission_denied));
    EXPECT_TRUE(status_error(403, "", "list").is(errc::permission_denied));
    EXPECT_TRUE(status_error(422, "{}", "put").is(errc::bad_request));
    EXPECT_TRUE(status_error(429, "", "put").is(errc::rate_limited));
    EXPECT_TRUE(status_error(503, "<html>", "put").is(errc::server_error));
    EXPECT_LT(status_error(500, R"({"message":")" + std::string(1000, 'x') + R"("})", "put").message.size(),
              340u);
}

TEST(kubernetes_secret, base64_round_trip_and_rejects)
{
    for (const std::string& s :
         std::vector<std::string>{"", "f", "fo", "foo", "foobar", std::string("\0\x80\xff", 3)})
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_FALSE(base64_decode("Zm8"));
    EXPECT_FALSE(base64_decode("Z==="));
    EXPECT_FALSE(base64_decode("Zm=8"));
    EXPECT_FALSE(base64_decode("Zm8=Zm8="));
    EXPECT_FALSE(base64_decode("Zm8*"));
}
