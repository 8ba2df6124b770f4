// Rotating key-encryption keys: the kek forms of a store's config, which key opens a blob (by the id in a
// "VKS2" header, or each in turn for an old "VKS1" blob), whether an object must be rewritten, and when
// objects under an old key were first seen.
#include "../config_problems.hpp"
#include "core/sealed_blob.hpp"
#include "keeper/model/kek_ring.hpp"
#include "keeper/model/settings.hpp"

#include <gtest/gtest.h>

namespace {

using vk::keeper::kek_ring;

const vk::kind_parsers kek_kinds = {{"keeper", vk::keeper::parse_settings}};
const std::string kek_hex_a(64, 'a'), kek_hex_b(64, 'b'), kek_hex_c(64, 'c');

std::string kek_job(const std::string& kek_json)
{
    std::string stores;
    for (const char* n : {"a", "b", "c"})
        stores += std::string(stores.empty() ? "" : ",") + R"({"name": ")" + n +
                  R"(", "type": "file", "path": "/var/lib/vk/)" + n + R"(", "kek": )" + kek_json + "}";
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"v": {"address": "http://127.0.0.1:1", "token": "t"}},
               "jobs": [{"name": "k", "kind": "keeper", "vault": "v", "kek_rotation_grace": "2h",
                         "init": {"secret_shares": 5, "secret_threshold": 3}, "stores": [)" +
           stores + "]}]}";
}

vk::secret ring_key(char c)
{
    return vk::secret(std::string(32, c));
}

kek_ring ring(char current, std::vector<char> previous = {})
{
    kek_ring r{ring_key(current), {}};
    for (char p : previous)
        r.previous.push_back(ring_key(p));
    return r;
}

}  // namespace

TEST(keeper_kek, current_and_previous_form_parses_with_the_grace)
{
    auto text = kek_job(R"({"current": ")" + kek_hex_a + R"(", "previous": [")" + kek_hex_b + R"(", ")" +
                        kek_hex_c + R"("]})");
    auto r = vk::parse_config(text, "cfg.json", kek_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = static_cast<const vk::keeper::keeper_settings&>(*r->jobs.at(0).settings);
    const auto& k = std::get<vk::keeper::file_store_settings>(s.stores[0]).kek;
    EXPECT_EQ(k.current.reveal(), std::string(32, '\xaa'));
    ASSERT_EQ(k.previous.size(), 2u);
    EXPECT_EQ(k.previous[1].reveal(), std::string(32, '\xcc'));
    EXPECT_EQ(s.kek_rotation_grace, std::chrono::hours(2));
}

TEST(keeper_kek, a_bad_previous_key_is_a_problem_at_its_pointer_without_the_value)
{
    auto ps = vk::test::config_problems_of(
        kek_job(R"({"current": ")" + kek_hex_a + R"(", "previous": ["c2hvcnQ="], "extra": 1})"), kek_kinds);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/kek/previous/0: must be 32 bytes"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/stores/0/kek/extra")) << ::testing::PrintToString(ps);
    EXPECT_FALSE(vk::test::mentions(ps, "c2hvcnQ="));
    auto missing = vk::test::config_problems_of(kek_job(R"({"previous": []})"), kek_kinds);
    EXPECT_TRUE(vk::test::mentions(missing, "/jobs/0/stores/0/kek/current"))
        << ::testing::PrintToString(missing);
}

TEST(keeper_kek, candidates_follow_the_blob_id)
{
    using vk::keeper::kek_candidates;
    std::vector<std::string> ids{"cur", "old1", "old2"};
    EXPECT_EQ(kek_candidates(std::string("old2"), ids), (std::vector<std::size_t>{2}));
    EXPECT_EQ(kek_candidates(std::nullopt, ids), (std::vector<std::size_t>{0, 1, 2}));  // VKS1: try each
    EXPECT_TRUE(kek_candidates(std::string("gone"), ids).empty());
}

TEST(keeper_kek, seal_under_current_open_under_any_and_rewrite_only_old)
{
    auto before = ring('a');
    auto after = ring('b', {'a'});
    auto sealed = vk::keeper::seal_object(before, "set-1-shard-0", "shard");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->substr(0, 4), "VKS2");
    EXPECT_EQ(vk::blob_key_id(*sealed), vk::kek_id(ring_key('a')));
    auto opened = vk::keeper::open_object(after, "set-1-shard-0", *sealed);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->plaintext, "shard");
    EXPECT_TRUE(opened->needs_rewrite());
    auto resealed = vk::keeper::seal_object(after, "set-1-shard-0", opened->plaintext);
    auto again = vk::keeper::open_object(after, "set-1-shard-0", *resealed);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->needs_rewrite());
    // Once the old key is dropped from the config its objects no longer open, and the error says why.
    auto dropped = vk::keeper::open_object(ring('b'), "set-1-shard-0", *sealed);
    ASSERT_FALSE(dropped);
    EXPECT_NE(dropped.error().message.find("authentication failed"), std::string::npos);
    EXPECT_NE(dropped.error().message.find("none of those configured"), std::string::npos);
}

TEST(keeper_kek, old_vks1_blobs_open_with_any_key_of_the_ring)
{
    auto v1 = vk::seal_blob(ring_key('a'), "keeper-state", "{}");
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1->substr(0, 4), "VKS1");
    auto under_current = vk::keeper::open_object(ring('a', {'b'}), "keeper-state", *v1);
    ASSERT_TRUE(under_current);
    EXPECT_FALSE(under_current->needs_rewrite());  // sealed with what is now current: nothing to do
    auto under_previous = vk::keeper::open_object(ring('c', {'b', 'a'}), "keeper-state", *v1);
    ASSERT_TRUE(under_previous);
    EXPECT_EQ(under_previous->key_index, 2u);
    EXPECT_FALSE(vk::keeper::open_object(ring('c'), "keeper-state", *v1));
    EXPECT_FALSE(vk::keeper::open_object(ring('a'), "keeper-statf", *v1));  // bound to its name still
}

TEST(keeper_kek, old_objects_first_seen_is_kept_until_none_remain)
{
    using vk::keeper::old_kek_first_seen;
    EXPECT_EQ(old_kek_first_seen(std::nullopt, 0, 100), std::nullopt);
    EXPECT_EQ(old_kek_first_seen(std::nullopt, 3, 100), 100);
    EXPECT_EQ(old_kek_first_seen(100, 1, 250), 100);
    EXPECT_EQ(old_kek_first_seen(100, 0, 250), std::nullopt);
}

TEST(keeper_kek, old_kek_since_round_trips_and_a_damaged_file_is_refused)
{
    using vk::keeper::decode_old_kek_since;
    std::map<std::string, std::int64_t> since{{"a", 1700000000}, {"disk-b", 42}};
    auto back = decode_old_kek_since(vk::keeper::encode_old_kek_since(since));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, since);
    EXPECT_EQ(*decode_old_kek_since(vk::keeper::encode_old_kek_since({})),
              (std::map<std::string, std::int64_t>{}));
    for (std::string bad : {"", "{", "[]", R"({"other": 1})", R"({"old_kek_since": {"a": "x"}})",
                            R"({"old_kek_since": {"a": 1.5}})", R"({"old_kek_since": []})"})
    {
        auto r = decode_old_kek_since(bad);
        EXPECT_FALSE(r) << bad;
        EXPECT_TRUE(!r && r.error().is(vk::errc::bad_response)) << bad;
    }
}
