// Transit envelopes: the "VKT1" format, the wrap's key version, sealing under a data key (a swapped wrap or
// body does not open), and the transit kek form with its refusals (unknown vault, the job's own Vault).
#include "../config_problems.hpp"
#include "keeper/model/envelope.hpp"
#include "keeper/model/settings.hpp"

#include <gtest/gtest.h>

namespace {

using vk::keeper::envelope;

const vk::kind_parsers envelope_kinds = {{"keeper", vk::keeper::parse_settings}};

std::string transit_job(const std::string& transit_json,
                        const std::string& ops_address = "http://127.0.0.1:2")
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"v": {"address": "http://127.0.0.1:1", "token": "t"},
                          "ops": {"address": ")" +
           ops_address + R"(", "token": "t2"}},
               "jobs": [{"name": "k", "kind": "keeper", "vault": "v",
                         "stores": [
                 {"name": "a", "type": "file", "path": "/var/lib/vk/a", "kek": {"transit": )" +
           transit_json + "}}]}]}";
}

}  // namespace

TEST(keeper_envelope, encodes_and_decodes_with_the_wrap_length_up_front)
{
    envelope e{"vault:v3:abc=", std::string("body\0bytes", 10)};
    auto blob = vk::keeper::encode_envelope(e);
    EXPECT_EQ(blob.substr(0, 4), "VKT1");
    EXPECT_EQ(blob.substr(4, 4), std::string("\0\0\0\x0d", 4));
    EXPECT_TRUE(vk::keeper::is_envelope(blob));
    auto back = vk::keeper::decode_envelope("o", blob);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->wrap, e.wrap);
    EXPECT_EQ(back->body, e.body);
}

TEST(keeper_envelope, malformed_envelopes_are_bad_responses_naming_the_object)
{
    for (std::string bad :
         {std::string("VKS2xxxx"), std::string("VKT1"), std::string("VKT1\0\0\0\x40vault", 13),
          std::string("VKT1\0\0\0\0rest", 12), std::string("VKT1\0\0\0\x03xyzbody", 14)})
    {
        auto r = vk::keeper::decode_envelope("set-1-shard-0", bad);
        ASSERT_FALSE(r);
        EXPECT_TRUE(r.error().is(vk::errc::bad_response));
        EXPECT_NE(r.error().message.find("set-1-shard-0"), std::string::npos);
    }
}

TEST(keeper_envelope, wrap_version_reads_vaults_prefix)
{
    using vk::keeper::wrap_version;
    EXPECT_EQ(wrap_version("vault:v1:abc"), 1);
    EXPECT_EQ(wrap_version("vault:v12:abc"), 12);
    EXPECT_FALSE(wrap_version("vault:v0:abc"));
    EXPECT_FALSE(wrap_version("vault:vx:abc"));
    EXPECT_FALSE(wrap_version("vault:v3"));
    EXPECT_FALSE(wrap_version("v3:abc"));
}

TEST(keeper_envelope, opens_under_its_data_key_only_and_for_its_name_only)
{
    auto key = vk::keeper::new_data_key();
    auto other = vk::keeper::new_data_key();
    ASSERT_TRUE(key && other);
    EXPECT_EQ(key->reveal().size(), 32u);
    EXPECT_NE(key->reveal(), other->reveal());
    auto blob = vk::keeper::seal_envelope(*key, "vault:v1:wrapped", "set-1-shard-0", "shard");
    ASSERT_TRUE(blob);
    auto e = vk::keeper::decode_envelope("set-1-shard-0", *blob);
    ASSERT_TRUE(e);
    EXPECT_EQ(*vk::keeper::open_envelope(*key, "set-1-shard-0", *e), "shard");
    // A wrap swapped in from another object unwraps to its data key: the body does not open.
    EXPECT_FALSE(vk::keeper::open_envelope(*other, "set-1-shard-0", *e));
    EXPECT_FALSE(vk::keeper::open_envelope(*key, "set-1-shard-1", *e));
    // A rewrap changes only the wrap: the body still opens under the same data key.
    e->wrap = "vault:v2:rewrapped";
    auto again = vk::keeper::decode_envelope("set-1-shard-0", vk::keeper::encode_envelope(*e));
    ASSERT_TRUE(again);
    EXPECT_EQ(*vk::keeper::open_envelope(*key, "set-1-shard-0", *again), "shard");
}

TEST(keeper_envelope, a_rewrap_moves_the_wrap_and_keeps_the_body_byte_for_byte)
{
    auto key = vk::keeper::new_data_key();
    ASSERT_TRUE(key);
    auto blob = vk::keeper::seal_envelope(*key, "vault:v1:wrapped", "set-1-shard-0", "shard");
    ASSERT_TRUE(blob);
    auto e = vk::keeper::decode_envelope("set-1-shard-0", *blob);
    ASSERT_TRUE(e);
    auto moved = vk::keeper::rewrap_envelope("set-1-shard-0", *e, "vault:v3:rewrapped");
    ASSERT_TRUE(moved);
    auto after = vk::keeper::decode_envelope("set-1-shard-0", *moved);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->wrap, "vault:v3:rewrapped");
    EXPECT_EQ(vk::keeper::wrap_version(after->wrap), 3);
    EXPECT_EQ(after->body, e->body);  // not sealed again: the same data key opens it
    EXPECT_EQ(*vk::keeper::open_envelope(*key, "set-1-shard-0", *after), "shard");
    // Anything but a transit ciphertext from the rewrap is refused, naming the object.
    auto bad = vk::keeper::rewrap_envelope("set-1-shard-0", *e, "plain");
    ASSERT_FALSE(bad);
    EXPECT_TRUE(bad.error().is(vk::errc::bad_response));
    EXPECT_NE(bad.error().message.find("set-1-shard-0"), std::string::npos);
}

TEST(keeper_envelope, transit_kek_form_parses_with_the_vaults_access)
{
    auto r =
        vk::parse_config(transit_job(R"({"vault": "ops", "key": "keeper-a"})"), "cfg.json", envelope_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::keeper::keeper_settings&>(*r->jobs.at(0).settings);
    const auto& f = std::get<vk::keeper::file_store_settings>(s.stores[0]);
    ASSERT_TRUE(f.transit);
    EXPECT_EQ(f.transit->vault, "ops");
    EXPECT_EQ(f.transit->key, "keeper-a");
    EXPECT_EQ(f.transit->mount, "transit");
    EXPECT_EQ(f.transit->access.address, "http://127.0.0.1:2");
}

TEST(keeper_envelope, transit_vault_unknown_or_the_one_unsealed_is_refused_at_its_pointer)
{
    const std::string at = "/jobs/0/stores/0/kek/transit/vault";
    auto unknown =
        vk::test::config_problems_of(transit_job(R"({"vault": "nope", "key": "k"})"), envelope_kinds);
    EXPECT_TRUE(vk::test::mentions(unknown, at + ": no vault named \"nope\""))
        << ::testing::PrintToString(unknown);
    auto same = vk::test::config_problems_of(transit_job(R"({"vault": "v", "key": "k"})"), envelope_kinds);
    EXPECT_TRUE(vk::test::mentions(same, at + ": is the Vault this job unseals"))
        << ::testing::PrintToString(same);
    auto same_address = vk::test::config_problems_of(
        transit_job(R"({"vault": "ops", "key": "k"})", "http://127.0.0.1:1/"), envelope_kinds);
    EXPECT_TRUE(vk::test::mentions(same_address, at + ": is the Vault this job unseals"))
        << ::testing::PrintToString(same_address);
    auto missing = vk::test::config_problems_of(transit_job(R"({"vault": "ops"})"), envelope_kinds);
    EXPECT_TRUE(vk::test::mentions(missing, "/jobs/0/stores/0/kek/transit/key"))
        << ::testing::PrintToString(missing);
}
