// A gcs storage's identity keys: HMAC keys, or OAuth ("credentials": "default", "service_account_key_file")
// with its refresh windows; mixing them is a problem at its pointer.
#include "snapshot/model/settings.hpp"

#include <gtest/gtest.h>

#include "../config_problems.hpp"

namespace {

using namespace vk::snapshot;

const vk::kind_parsers gcs_snapshot_kinds = {{"snapshot", parse_settings}};

std::string gcs_doc(const std::string& storage)
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"v": {"address": "http://127.0.0.1:8200", "token": "t"}},
               "jobs": [{"name": "snap", "kind": "snapshot", "vault": "v", "storages": [)" +
           storage + "]}]}";
}

}  // namespace

TEST(gcs_identity_settings, oauth_without_hmac_keys)
{
    auto r = vk::parse_config(gcs_doc(R"({"name": "g", "type": "gcs", "bucket": "b",
        "service_account_key_file": "/etc/gcp/key.json", "refresh_advisory": "5m", "refresh_mandatory": "1m"},
        {"name": "adc", "type": "gcs", "bucket": "b"})"),
                              "cfg.json", gcs_snapshot_kinds);
    ASSERT_TRUE(r);
    const auto& storages = static_cast<const snapshot_settings&>(*r->jobs.at(0).settings).storages;
    const auto& file = std::get<gcs_storage_settings>(storages.at(0).spec);
    EXPECT_TRUE(file.oauth());
    EXPECT_EQ(file.service_account_key_file, "/etc/gcp/key.json");
    EXPECT_EQ(file.refresh_advisory, std::chrono::minutes(5));
    EXPECT_EQ(file.refresh_mandatory, std::chrono::minutes(1));
    const auto& adc = std::get<gcs_storage_settings>(storages.at(1).spec);
    EXPECT_TRUE(adc.oauth());
    EXPECT_FALSE(adc.service_account_key_file);
    EXPECT_EQ(adc.refresh_advisory, std::chrono::seconds(225));
}

TEST(gcs_identity_settings, mixed_or_half_given_identities_are_problems)
{
    auto ps = vk::test::config_problems_of(
        gcs_doc(R"({"name": "a", "type": "gcs", "bucket": "b", "hmac_access_id": "i"},
        {"name": "b", "type": "gcs", "bucket": "b", "hmac_access_id": "i", "hmac_secret": "s",
         "service_account_key_file": "/k.json"},
        {"name": "c", "type": "gcs", "bucket": "b", "service_account_key_file": "key.json",
         "refresh_advisory": "1m", "refresh_mandatory": "2m"})"),
        gcs_snapshot_kinds);
    for (const char* want : {"/jobs/0/storages/0/hmac_secret", "/jobs/0/storages/1/service_account_key_file",
                             "/jobs/0/storages/2/service_account_key_file: must be an absolute file path",
                             "/jobs/0/storages/2/refresh_mandatory"})
        EXPECT_TRUE(vk::test::mentions(ps, want)) << want;
}
