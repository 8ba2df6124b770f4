// The s3 / gcs / azure shard stores' pure parts: the precondition header for each service and expected
// version, the version header, which refusal is retried, their config (the snapshot storages' keys plus
// kek and cas, at their JSON pointers) and where they keep their objects (bucket + key_prefix).
#include "../config_problems.hpp"
#include "keeper/model/object_cas.hpp"
#include "keeper/model/settings.hpp"
#include "keeper/model/store_location.hpp"

#include <gtest/gtest.h>

namespace object_store_test {

const vk::kind_parsers keeper_kinds = {{"keeper", vk::keeper::parse_settings}};
const std::string kek_hex(64, 'a');

std::string job(const std::string& stores)
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"v": {"address": "http://127.0.0.1:1", "token": "t"}},
               "jobs": [{"name": "k", "kind": "keeper", "vault": "v",
                         "init": {"secret_shares": 3, "secret_threshold": 2}, "stores": [)" +
           stores + "]}]}";
}

std::string s3_store(const std::string& name, const std::string& prefix, const std::string& extra = "")
{
    return R"({"name": ")" + name + R"(", "type": "s3", "bucket": "b", "endpoint": "http://127.0.0.1:9000",
               "force_path_style": true, "key_prefix": ")" +
           prefix + R"(", "access_key_id": "AK", "secret_access_key": "SK", "kek": ")" + kek_hex + "\"" +
           extra + "}";
}

const std::string gcs_store = R"({"name": "g", "type": "gcs", "bucket": "b", "hmac_access_id": "id",
                                  "hmac_secret": "hs", "key_prefix": "k/", "kek": ")" +
                              kek_hex + R"("})";
const std::string azure_store = R"({"name": "z", "type": "azure", "account_name": "acct", "container": "c",
                                    "account_key": "a2V5", "kek": ")" +
                                kek_hex + R"(", "cas": false})";

}  // namespace object_store_test

namespace ost = object_store_test;

TEST(object_cas, s3_and_azure_use_etags_gcs_generations)
{
    for (auto s : {vk::keeper::object_service::s3, vk::keeper::object_service::azure})
    {
        EXPECT_EQ(vk::keeper::write_precondition(s, std::nullopt), vk::keeper::header_list{});
        EXPECT_EQ(vk::keeper::write_precondition(s, std::string()),
                  (vk::keeper::header_list{{"If-None-Match", "*"}}));
        EXPECT_EQ(vk::keeper::write_precondition(s, std::string("\"e1\"")),
                  (vk::keeper::header_list{{"If-Match", "\"e1\""}}));
        EXPECT_EQ(vk::keeper::version_header(s), "ETag");
    }
    auto gcs = vk::keeper::object_service::gcs;
    EXPECT_EQ(vk::keeper::write_precondition(gcs, std::nullopt), vk::keeper::header_list{});
    EXPECT_EQ(vk::keeper::write_precondition(gcs, std::string()),
              (vk::keeper::header_list{{"x-goog-if-generation-match", "0"}}));
    EXPECT_EQ(vk::keeper::write_precondition(gcs, std::string("17")),
              (vk::keeper::header_list{{"x-goog-if-generation-match", "17"}}));
    EXPECT_EQ(vk::keeper::version_header(gcs), "x-goog-generation");
}

TEST(object_cas, only_s3_conditional_request_conflict_is_retried)
{
    auto refused = [](unsigned status, const std::string& code) {
        auto e =
            vk::make_error(vk::errc::conflict, "s: put keeper-state: HTTP " + std::to_string(status) + code);
        e.status = status;
        return e;
    };
    EXPECT_TRUE(vk::keeper::transient_conflict(vk::keeper::object_service::s3,
                                               refused(409, " ConditionalRequestConflict")));
    EXPECT_FALSE(
        vk::keeper::transient_conflict(vk::keeper::object_service::s3, refused(412, " PreconditionFailed")));
    EXPECT_FALSE(vk::keeper::transient_conflict(vk::keeper::object_service::azure,
                                                refused(409, " ConditionalRequestConflict")));
    EXPECT_FALSE(
        vk::keeper::transient_conflict(vk::keeper::object_service::s3, refused(409, " BucketNotEmpty")));
}

TEST(object_cas, the_probe_failure_names_the_store_and_the_way_out)
{
    auto m = vk::keeper::ignores_conditions_message("bucket-a");
    EXPECT_NE(m.find("store bucket-a ignores conditional writes: it cannot hold the state record"),
              std::string::npos);
    EXPECT_NE(m.find("\"cas\": false"), std::string::npos);
}

TEST(object_store_settings, the_three_types_take_the_snapshot_storage_keys_plus_kek_and_cas)
{
    auto r = vk::parse_config(ost::job(ost::s3_store("s", "v/", R"(, "region": "eu-west-1")") + "," +
                                       ost::gcs_store + "," + ost::azure_store),
                              "cfg.json", ost::keeper_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::keeper::keeper_settings&>(*r->jobs.at(0).settings);
    ASSERT_EQ(s.stores.size(), 3u);
    const auto& s3 = std::get<vk::keeper::object_store_settings>(s.stores[0]);
    EXPECT_EQ(s3.kek.current.reveal().size(), 32u);
    EXPECT_TRUE(s3.cas);
    const auto& spec = std::get<vk::cloud::s3_storage_settings>(s3.spec);
    EXPECT_EQ(spec.bucket, "b");
    EXPECT_EQ(spec.key_prefix, "v/");
    EXPECT_EQ(spec.region, "eu-west-1");
    EXPECT_EQ(spec.name, "s");
    EXPECT_EQ(std::get<vk::cloud::gcs_storage_settings>(
                  std::get<vk::keeper::object_store_settings>(s.stores[1]).spec)
                  .key_prefix,
              "k/");
    const auto& az = std::get<vk::keeper::object_store_settings>(s.stores[2]);
    EXPECT_FALSE(az.cas);
    EXPECT_EQ(std::get<vk::cloud::azure_storage_settings>(az.spec).container, "c");
}

TEST(object_store_settings, mistakes_at_their_pointers)
{
    auto ps = vk::test::config_problems_of(
        ost::job(
            std::string(
                R"({"name": "s", "type": "s3", "kek": "c2hvcnQ=", "access_key_id": "AK", "colour": 1})") +
            "," + ost::s3_store("t", "a/") + "," + ost::s3_store("u", "b/")),
        ost::keeper_kinds);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/bucket")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/kek: must be 32 bytes"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/secret_access_key")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/colour")) << ::testing::PrintToString(ps);
    EXPECT_FALSE(vk::test::mentions(ps, "c2hvcnQ="));
}

TEST(object_store_settings, a_transit_kek_wraps_an_object_store_too)
{
    std::string transit = R"({"name": "s", "type": "s3", "bucket": "b", "access_key_id": "AK",
                               "secret_access_key": "SK", "kek": {"transit": {"vault": "ops", "key": "k"}}})";
    auto cfg = ost::job(transit + "," + ost::s3_store("t", "a/") + "," + ost::s3_store("u", "b/"));
    cfg.replace(cfg.find(R"("vaults": {)") + 11, 0,
                R"("ops": {"address": "http://127.0.0.1:2", "token": "o"}, )");
    auto c = vk::parse_config(cfg, "cfg.json", ost::keeper_kinds);
    ASSERT_TRUE(c) << c.error().render();
    const auto& s = static_cast<const vk::keeper::keeper_settings&>(*c->jobs.at(0).settings);
    const auto& o = std::get<vk::keeper::object_store_settings>(s.stores.at(0));
    ASSERT_TRUE(o.transit);
    EXPECT_EQ(o.transit->vault, "ops");
    EXPECT_EQ(o.transit->key, "k");
    EXPECT_EQ(o.transit->access.address, "http://127.0.0.1:2");
    // The Vault the job unseals is refused as its transit Vault, as for a file store.
    auto own = transit;
    own.replace(own.find(R"("ops")"), 5, R"("v")");
    auto ps = vk::test::config_problems_of(
        ost::job(own + "," + ost::s3_store("t", "a/") + "," + ost::s3_store("u", "b/")), ost::keeper_kinds);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/kek/transit/vault: is the Vault this job unseals"))
        << ::testing::PrintToString(ps);
}

TEST(object_store_settings, two_stores_at_one_bucket_and_prefix_are_refused)
{
    auto ps = vk::test::config_problems_of(
        ost::job(ost::s3_store("a", "p/") + "," + ost::s3_store("b", "q/") + "," + ost::s3_store("c", "p/")),
        ost::keeper_kinds);
    EXPECT_TRUE(
        vk::test::mentions(ps, "/jobs/0/stores/2/key_prefix: the same bucket (or container) and key_prefix "
                               "as store \"a\""))
        << ::testing::PrintToString(ps);
    EXPECT_FALSE(vk::test::mentions(ps, "/jobs/0/stores/1/"));
}
