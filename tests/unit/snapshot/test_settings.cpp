// The snapshot kind's config keys: storages of every type, defaults, the Lucretius agent file, and every
// mistake at its JSON pointer.
#include "snapshot/model/settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "../config_problems.hpp"

namespace {

using namespace vk::snapshot;

const vk::kind_parsers snapshot_kinds = {{"snapshot", parse_settings}};

std::string doc(const std::string& jobs)
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"v": {"address": "http://127.0.0.1:8200", "token": "t"},
                          "ar": {"address": "http://127.0.0.1:8300",
                                 "auth": {"method": "approle", "role_id": "rid", "secret_id": "sid"}}},
               "jobs": [)" +
           jobs + "]}";
}

std::vector<std::string> snapshot_problems(const std::string& jobs)
{
    return vk::test::config_problems_of(doc(jobs), snapshot_kinds);
}

const auto has = vk::test::mentions;

const snapshot_settings& settings_of(const vk::config& c)
{
    return static_cast<const snapshot_settings&>(*c.jobs.at(0).settings);
}

std::string job(const std::string& extra)
{
    return R"({"name": "snap", "kind": "snapshot", "vault": "v", )" + extra + "}";
}

}  // namespace

TEST(snapshot_settings, every_storage_type_and_defaults)
{
    setenv("VK_TEST_AWS_KEY", "AKIA", 1);
    auto r = vk::parse_config(doc(job(R"("storages": [
        {"name": "disk", "type": "local", "path": "/backups/vault", "retain": 24},
        {"name": "s3", "type": "s3", "bucket": "b", "region": "eu-west-1", "endpoint": "http://127.0.0.1:4569/",
         "force_path_style": true, "key_prefix": "vault/",
         "server_side_encryption": {"type": "aws:kms", "kms_key_id": "k"},
         "access_key_id": {"env": "VK_TEST_AWS_KEY"}, "secret_access_key": "s", "retain": 168, "max_age": "720h"},
        {"name": "azure", "type": "azure", "account_name": "acct", "account_key": "a2V5", "container": "snaps",
         "retain": 30},
        {"name": "gcs", "type": "gcs", "bucket": "g", "hmac_access_id": "id", "hmac_secret": "sec"}])")),
                              "cfg.json", snapshot_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = settings_of(*r);
    EXPECT_EQ(s.vault, "v");
    EXPECT_EQ(s.mode, take_mode::leader);
    EXPECT_EQ(s.spool_dir, "/var/lib/vaultkeeper/spool");
    EXPECT_EQ(s.name_format, name_format{});
    EXPECT_FALSE(s.allow_restore);
    ASSERT_EQ(s.storages.size(), 4u);
    EXPECT_EQ(std::get<local_storage_settings>(s.storages[0].spec).path, "/backups/vault");
    EXPECT_EQ(s.storages[0].retention.retain, 24u);
    const auto& s3 = std::get<s3_storage_settings>(s.storages[1].spec);
    EXPECT_EQ(s3.name, "s3");
    EXPECT_EQ(s3.endpoint, "http://127.0.0.1:4569");
    EXPECT_TRUE(s3.force_path_style);
    EXPECT_EQ(s3.server_side_encryption.type, "aws:kms");
    EXPECT_EQ(s3.access_key_id->reveal(), "AKIA");
    EXPECT_EQ(s.storages[1].retention.max_age, std::chrono::hours(720));
    EXPECT_EQ(std::get<azure_storage_settings>(s.storages[2].spec).container, "snaps");
    EXPECT_EQ(std::get<gcs_storage_settings>(s.storages[3].spec).hmac_secret.reveal(), "sec");
    EXPECT_EQ(s.find_storage("gcs"), &s.storages[3]);
}

// Issue 24: decrypt_with names the recipient's certificate and key; it needs encrypt_for.
TEST(snapshot_settings, decrypt_with_needs_encrypt_for_and_both_files)
{
    auto r = vk::parse_config(doc(job(R"("encrypt_for": {"cert_file": "/r.pem"},
        "decrypt_with": {"cert_file": "/r.pem", "key_file": "/r.key"},
        "storages": [{"name": "disk", "type": "local", "path": "/b"}])")),
                              "cfg.json", snapshot_kinds);
    ASSERT_TRUE(r) << r.error().render();
    ASSERT_TRUE(settings_of(*r).decrypt_with);
    EXPECT_EQ(settings_of(*r).decrypt_with->key_file, "/r.key");
    auto ps = snapshot_problems(job(R"("decrypt_with": {"cert_file": "/r.pem"},
        "storages": [{"name": "disk", "type": "local", "path": "/b"}])"));
    EXPECT_TRUE(has(ps, "/jobs/0/decrypt_with/key_file"));
    EXPECT_TRUE(has(ps, "/jobs/0/decrypt_with: needs encrypt_for"));
}

TEST(snapshot_settings, restore_spool_limit_is_optional_bytes)
{
    auto r = vk::parse_config(doc(job(R"("restore_spool_limit": 0,
        "storages": [{"name": "disk", "type": "local", "path": "/b"}])")),
                              "cfg.json", snapshot_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(settings_of(*r).restore_spool_limit, std::uint64_t{0});
    auto d = vk::parse_config(doc(job(R"("storages": [{"name": "disk", "type": "local", "path": "/b"}])")),
                              "cfg.json", snapshot_kinds);
    ASSERT_TRUE(d) << d.error().render();
    EXPECT_FALSE(settings_of(*d).restore_spool_limit);
    EXPECT_TRUE(has(snapshot_problems(job(R"("restore_spool_limit": -1,
        "storages": [{"name": "disk", "type": "local", "path": "/b"}])")),
                    "/jobs/0/restore_spool_limit"));
}

TEST(snapshot_settings, mistakes_at_their_pointers)
{
    auto ps = snapshot_problems(job(R"("mode": "all", "spool_dir": "rel", "name_format": {"prefix": "a/b"},
        "encrypt_for": {}, "storages": [
        {"name": "d", "type": "local", "path": "rel", "retain": -1},
        {"name": "d", "type": "ftp"},
        {"type": "s3", "name": "x", "endpoint": "ftp://h", "access_key_id": "a"},
        {"name": "z", "type": "azure", "account_name": "a", "container": "c", "bogus": 1},
        {"name": "g", "type": "gcs", "bucket": "b", "hmac_access_id": "i", "hmac_secret": "s", "max_age": "0s"},
        {"name": "s", "type": "s3", "bucket": "b", "server_side_encryption": {"type": "AES256", "kms_key_id": "k"}}])"));
    for (const char* want :
         {"/jobs/0/mode", "/jobs/0/spool_dir", "/jobs/0/name_format/prefix", "/jobs/0/encrypt_for/cert_file",
          "/jobs/0/storages/0/path", "/jobs/0/storages/0/retain", "/jobs/0/storages/1/name: duplicate",
          "/jobs/0/storages/1/type", "/jobs/0/storages/2/bucket", "/jobs/0/storages/2/endpoint",
          "/jobs/0/storages/2/secret_access_key", "/jobs/0/storages/3/bogus", "/jobs/0/storages/4/max_age",
          "/jobs/0/storages/5/server_side_encryption/kms_key_id"})
        EXPECT_TRUE(has(ps, want)) << want;
    EXPECT_TRUE(
        has(snapshot_problems(R"({"name": "s", "kind": "snapshot", "vault": "nope", "storages": []})"),
            "/jobs/0/vault: no vault named"));
    EXPECT_TRUE(has(snapshot_problems(R"({"name": "s", "kind": "snapshot", "vault": "v"})"),
                    "/jobs/0/storages: required"));
}

TEST(snapshot_settings, secrets_never_in_messages)
{
    auto ps = snapshot_problems(job(R"("storages": [{"name": "z", "type": "azure", "account_name": "a",
                                            "account_key": "TOPSECRETKEY", "container": "c", "retain": "x"}])"));
    ASSERT_FALSE(ps.empty());
    EXPECT_FALSE(has(ps, "TOPSECRETKEY"));
}

namespace {

struct agent_file
{
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("vk-agent-" + std::to_string(::getpid()) + ".json");
    explicit agent_file(const std::string& text) { std::ofstream(path) << text; }
    ~agent_file() { std::filesystem::remove(path); }
    std::string job(const std::string& extra = R"("interval": "1h")") const
    {
        return R"({"name": "a", "kind": "snapshot", "agent_config": ")" + path.string() + R"(", )" + extra +
               "}";
    }
};

}  // namespace

TEST(snapshot_settings, lucretius_agent_file_maps_onto_storages)
{
    agent_file f(R"({"addr": "http://127.0.0.1:8300", "retain": 72, "frequency": "1h",
                     "role_id": "rid", "secret_id": "sid", "approle": "approle",
                     "local_storage": {"path": "/etc/raft/snapshots"},
                     "aws_storage": {"access_key_id": "AK", "secret_access_key": "SK", "s3_endpoint": "http://minio:9000",
                                     "s3_region": "eu-west-1", "s3_bucket": "bk", "s3_server_side_encryption": true,
                                     "s3_force_path_style": true},
                     "google_storage": {"bucket": ""},
                     "azure_storage": {"account_name": "acct", "account_key": "a2V5", "container_name": "c"}})");
    auto r = vk::parse_config(doc(f.job()), "cfg.json", snapshot_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = settings_of(*r);
    EXPECT_EQ(s.vault, "ar");
    EXPECT_EQ(s.name_format.prefix, "raft_snapshot-");
    EXPECT_EQ(s.name_format.style, timestamp_style::unix_nano);
    ASSERT_EQ(s.storages.size(), 3u);
    EXPECT_EQ(std::get<local_storage_settings>(s.storages[0].spec).path, "/etc/raft/snapshots");
    const auto& s3 = std::get<s3_storage_settings>(s.storages[1].spec);
    EXPECT_EQ(s3.key_prefix, "raft_snapshots/");
    EXPECT_EQ(s3.server_side_encryption.type, "AES256");
    EXPECT_EQ(s3.bucket, "bk");
    EXPECT_EQ(std::get<azure_storage_settings>(s.storages[2].spec).container, "c");
    for (const auto& st : s.storages)
        EXPECT_EQ(st.retention.retain, 72u);
}

TEST(snapshot_settings, lucretius_agent_file_unmappable_keys_are_errors)
{
    agent_file f(R"({"addr": "http://10.0.0.9:8200", "frequency": "30m", "role_id": "other", "secret_id": "x",
                     "aws_storage": {"s3_bucket": "b", "s3_static_snapshot_name": "latest"},
                     "google_storage": {"bucket": "g"}, "unknown_key": 1})");
    auto ps = snapshot_problems(f.job());
    const std::string at = "/jobs/0/agent_config: " + f.path.string() + ": ";
    for (const std::string want :
         {at + "/addr: no vault", at + "/aws_storage/s3_static_snapshot_name", at + "/google_storage/bucket",
          at + "/unknown_key", at + "/frequency: is 30m"})
        EXPECT_TRUE(has(ps, want)) << want;
    EXPECT_FALSE(has(ps, "\"other\""));

    agent_file creds(R"({"addr": "http://127.0.0.1:8300", "role_id": "other", "secret_id": "sid",
                         "local_storage": {"path": "/x"}})");
    EXPECT_TRUE(has(snapshot_problems(creds.job()),
                    "/role_id: AppRole credentials differ from the auth of vault \"ar\""));
    EXPECT_TRUE(
        has(snapshot_problems(R"({"name": "a", "kind": "snapshot", "agent_config": "/nonexistent/x.json"})"),
            "/jobs/0/agent_config: cannot read file"));
}

// The agent's file and its AZURE_STORAGE_* overrides come from the inputs handed to the parser, not the disk
// or the process environment.
TEST(snapshot_settings, agent_file_and_azure_overrides_come_from_the_inputs)
{
    auto inputs = vk::test::table_inputs(
        {{"/etc/agent.json", R"({"addr": "http://127.0.0.1:8300", "frequency": "1h", "role_id": "rid",
                                "secret_id": "sid", "azure_storage": {"account_name": "in-file",
                                "account_key": "a2V5", "container_name": "c"}})"}},
        {{"AZURE_STORAGE_ACCOUNT", "from-env"}, {"AZURE_STORAGE_ACCESS_KEY", "ZW52a2V5"}});
    auto r = vk::parse_config(
        doc(R"({"name": "a", "kind": "snapshot", "agent_config": "/etc/agent.json", "interval": "1h"})"),
        "cfg.json", snapshot_kinds, inputs);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = settings_of(*r);
    ASSERT_EQ(s.storages.size(), 1u);
    const auto& az = std::get<azure_storage_settings>(s.storages[0].spec);
    EXPECT_EQ(az.account_name, "from-env");
    EXPECT_EQ(az.account_key.reveal(), "ZW52a2V5");
    EXPECT_EQ(az.account_key.source(), "env AZURE_STORAGE_ACCESS_KEY");
}

// Issue 24: where an S3 storage's credentials come from when it names no keys.
TEST(snapshot_settings, s3_identity_keys)
{
    auto r = vk::parse_config(doc(job(R"("storages": [
        {"name": "s3", "type": "s3", "bucket": "b", "credentials": "default", "profile": "backup",
         "assume_role_arn": "arn:aws:iam::1:role/r", "assume_role_session_name": "vk", "external_id": "e",
         "sts_endpoint": "http://127.0.0.1:9/", "refresh_advisory": "20s", "refresh_mandatory": "10s"}])")),
                              "cfg.json", snapshot_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s3 = std::get<s3_storage_settings>(settings_of(*r).storages[0].spec);
    EXPECT_EQ(s3.profile, "backup");
    EXPECT_EQ(s3.assume_role_arn, "arn:aws:iam::1:role/r");
    EXPECT_EQ(s3.assume_role_session_name, "vk");
    EXPECT_EQ(s3.external_id, "e");
    EXPECT_EQ(s3.sts_endpoint, "http://127.0.0.1:9");
    EXPECT_EQ(s3.refresh_advisory, std::chrono::seconds(20));
    auto ps = snapshot_problems(job(R"("storages": [
        {"name": "a", "type": "s3", "bucket": "b", "credentials": "default", "access_key_id": "k",
         "secret_access_key": "s"},
        {"name": "b", "type": "s3", "bucket": "b", "credentials": "instance"},
        {"name": "c", "type": "s3", "bucket": "b", "assume_role_arn": "role/r", "sts_endpoint": "sts.local"},
        {"name": "d", "type": "s3", "bucket": "b", "external_id": "e", "refresh_mandatory": "20m"}])"));
    for (const char* want : {"/jobs/0/storages/0/credentials", "/jobs/0/storages/1/credentials",
                             "/jobs/0/storages/2/assume_role_arn", "/jobs/0/storages/2/sts_endpoint",
                             "/jobs/0/storages/3/external_id", "/jobs/0/storages/3/refresh_mandatory"})
        EXPECT_TRUE(has(ps, want)) << want;
}

TEST(snapshot_settings, azure_identity_keys)
{
    setenv("VK_TEST_AZURE_SAS", "?sv=2019-02-02&sig=abc%3D", 1);
    auto r = vk::parse_config(doc(job(R"("storages": [
        {"name": "mi", "type": "azure", "account_name": "a", "container": "c", "client_id": "uid",
         "refresh_before": "20s", "ca_file": "/etc/ca.pem"},
        {"name": "sas", "type": "azure", "account_name": "a", "container": "c",
         "sas_token": {"env": "VK_TEST_AZURE_SAS"}},
        {"name": "key", "type": "azure", "account_name": "a", "container": "c", "account_key": "a2V5"}])")),
                              "cfg.json", snapshot_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& mi = std::get<azure_storage_settings>(settings_of(*r).storages[0].spec);
    EXPECT_TRUE(mi.account_key.empty());
    EXPECT_FALSE(mi.sas_token);
    EXPECT_EQ(mi.client_id, "uid");
    EXPECT_EQ(mi.refresh_before, std::chrono::seconds(20));
    EXPECT_EQ(mi.ca_file, "/etc/ca.pem");
    const auto& sas = std::get<azure_storage_settings>(settings_of(*r).storages[1].spec);
    ASSERT_TRUE(sas.sas_token);
    EXPECT_EQ(sas.sas_token->reveal(), "sv=2019-02-02&sig=abc%3D");  // the leading '?' dropped
    EXPECT_EQ(sas.sas_token->source(), "env VK_TEST_AZURE_SAS");
    auto ps = snapshot_problems(job(R"("storages": [
        {"name": "a", "type": "azure", "account_name": "a", "container": "c", "account_key": "k",
         "sas_token": "TOPSECRETSAS"},
        {"name": "b", "type": "azure", "account_name": "a", "container": "c", "credentials": "msi"},
        {"name": "c", "type": "azure", "account_name": "a", "container": "c", "sas_token": "s",
         "client_id": "x"}])"));
    for (const char* want :
         {"/jobs/0/storages/0/credentials", "/jobs/0/storages/1/credentials", "/jobs/0/storages/2/client_id"})
        EXPECT_TRUE(has(ps, want)) << want;
    EXPECT_FALSE(has(ps, "TOPSECRETSAS"));
}
