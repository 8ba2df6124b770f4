// Unit tests of k8s-sim's Secret table: revisions, optimistic concurrency, preconditions, validation,
// wording.
#include "persist.hpp"
#include "secret_store.hpp"

#include <gtest/gtest.h>

using namespace ksim;

namespace {

secret_store fixed_store()
{
    int n = 0;
    return secret_store([n]() mutable {
        return std::make_pair("uid-" + std::to_string(++n), std::string("2026-01-01T00:00:00Z"));
    });
}

secret make(std::string name, std::string value = "v")
{
    secret s;
    s.ns = "vault";
    s.name = std::move(name);
    s.data["value"] = std::move(value);
    return s;
}

template <class T> status failure(const outcome<T>& o)
{
    return std::get<status>(o);
}

}  // namespace

TEST(k8s_secret_store, create_assigns_growing_resource_versions_and_refuses_a_taken_name)
{
    auto store = fixed_store();
    auto a = std::get<secret>(store.create(make("a")));
    auto b = std::get<secret>(store.create(make("b")));
    EXPECT_EQ(a.resource_version, 1u);
    EXPECT_EQ(b.resource_version, 2u);
    EXPECT_EQ(a.uid, "uid-1");
    const auto st = failure(store.create(make("a")));
    EXPECT_EQ(st.code, 409u);
    EXPECT_EQ(st.reason, "AlreadyExists");
    EXPECT_EQ(st.message, "secrets \"a\" already exists");
    EXPECT_EQ(store.revision(), 2u);
}

TEST(k8s_secret_store, replace_checks_the_resource_version_and_keeps_it_when_nothing_changed)
{
    auto store = fixed_store();
    store.create(make("a"));
    auto same = std::get<secret>(store.replace(make("a"), std::string("1")));
    EXPECT_EQ(same.resource_version, 1u);
    auto changed = std::get<secret>(store.replace(make("a", "w"), std::string("1")));
    EXPECT_EQ(changed.resource_version, 2u);
    EXPECT_EQ(changed.uid, "uid-1");
    const auto st = failure(store.replace(make("a", "x"), std::string("1")));
    EXPECT_EQ(st.code, 409u);
    EXPECT_EQ(st.reason, "Conflict");
    EXPECT_EQ(st.message,
              "Operation cannot be fulfilled on secrets \"a\": the object has been modified; please "
              "apply your changes to the latest version and try again");
    // Secrets allow unconditional updates.
    EXPECT_EQ(std::get<secret>(store.replace(make("a", "x"), std::nullopt)).resource_version, 3u);
    EXPECT_EQ(failure(store.replace(make("missing"), std::nullopt)).message, "secrets \"missing\" not found");
}

TEST(k8s_secret_store, type_is_immutable)
{
    auto store = fixed_store();
    store.create(make("a"));
    auto s = make("a");
    s.type = "kubernetes.io/tls";
    const auto st = failure(store.replace(s, std::nullopt));
    EXPECT_EQ(st.code, 422u);
    EXPECT_EQ(st.message,
              "Secret \"a\" is invalid: type: Invalid value: \"kubernetes.io/tls\": field is immutable");
}

TEST(k8s_secret_store, remove_honours_the_precondition_and_takes_a_revision)
{
    auto store = fixed_store();
    store.create(make("a"));
    const auto st = failure(store.remove("vault", "a", std::string("7")));
    EXPECT_EQ(st.code, 409u);
    EXPECT_EQ(st.reason, "Conflict");
    EXPECT_NE(
        st.message.find("Precondition failed: ResourceVersion in precondition: 7, ResourceVersion in object "
                        "meta: 1"),
        std::string::npos);
    EXPECT_EQ(std::get<secret>(store.remove("vault", "a", std::string("1"))).name, "a");
    EXPECT_EQ(store.revision(), 2u);
    EXPECT_EQ(failure(store.remove("vault", "a", std::nullopt)).code, 404u);
}

TEST(k8s_secret_store, namespaces_are_separate)
{
    auto store = fixed_store();
    store.create(make("a"));
    auto other = make("a");
    other.ns = "other";
    EXPECT_TRUE(std::holds_alternative<secret>(store.create(other)));
    EXPECT_EQ(store.list("vault", {}).size(), 1u);
    EXPECT_EQ(store.list("", {}).size(), 2u);
}

TEST(k8s_secret_store, validation_worded_as_the_api_server)
{
    auto store = fixed_store();
    const auto upper = failure(store.create(make("Bad")));
    EXPECT_EQ(upper.code, 422u);
    EXPECT_EQ(upper.reason, "Invalid");
    EXPECT_TRUE(
        upper.message.starts_with("Secret \"Bad\" is invalid: metadata.name: Invalid value: \"Bad\": a "
                                  "lowercase RFC 1123 subdomain"));
    auto bad_key = make("ok");
    bad_key.data["a b"] = "x";
    EXPECT_TRUE(failure(store.create(bad_key)).message.find("data[a b]: Invalid value") != std::string::npos);
    auto big = make("big", std::string(1024 * 1024 + 1, 'x'));
    EXPECT_EQ(failure(store.create(big)).message,
              "Secret \"big\" is invalid: data: Too long: must have at most 1048576 bytes");
    EXPECT_EQ(failure(store.create(make(""))).message,
              "Secret \"\" is invalid: metadata.name: Required value: name or generateName is required");
    EXPECT_TRUE(valid_subdomain("a.b-c.d"));
    EXPECT_FALSE(valid_subdomain("a..b"));
    EXPECT_FALSE(valid_subdomain("-a"));
    EXPECT_FALSE(valid_subdomain("a-"));
}

TEST(k8s_secret_store, state_survives_a_dump_and_restore)
{
    auto store = fixed_store();
    auto s = make("a", std::string("\0\xff binary", 9));
    s.labels["app.kubernetes.io/managed-by"] = "vaultkeeper";
    store.create(s);
    store.create(make("b"));
    store.remove("vault", "b", std::nullopt);
    secret_store copy;
    std::string error;
    ASSERT_TRUE(restore_state(dump_state(store), copy, error)) << error;
    EXPECT_EQ(copy.revision(), 3u);
    const auto* a = copy.get("vault", "a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->data.at("value"), s.data.at("value"));
    EXPECT_EQ(a->labels, s.labels);
    EXPECT_EQ(a->uid, "uid-1");
    EXPECT_EQ(a->resource_version, 1u);
    EXPECT_FALSE(restore_state("{}", copy, error));
}
