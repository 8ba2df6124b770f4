// Shard placement (no store reaches the threshold) and the file store's sealing (AES-256-GCM, name as AAD).
#include "core/sealed_blob.hpp"
#include "keeper/model/object_name.hpp"
#include "keeper/model/object_version.hpp"
#include "keeper/model/placement.hpp"

#include <gtest/gtest.h>
#include <map>

using namespace vk::keeper;

TEST(keeper_placement, round_robin_keeps_every_store_below_the_threshold)
{
    for (int stores = 1; stores <= 6; ++stores)
        for (int shares = 1; shares <= 10; ++shares)
            for (int threshold = 1; threshold <= shares; ++threshold)
            {
                std::vector<std::string> names;
                for (int i = 0; i < stores; ++i)
                    names.push_back("s" + std::to_string(i));
                auto p = place_shards(shares, threshold, names);
                bool possible = (shares + stores - 1) / stores < threshold;
                ASSERT_EQ(bool(p), possible) << shares << "/" << threshold << " over " << stores;
                if (!p)
                    continue;
                std::map<std::string, int> per;
                for (const auto& s : *p)
                    ++per[s];
                for (const auto& [s, n] : per)
                    EXPECT_LT(n, threshold);
            }
}

namespace {

std::vector<std::string> messages(const std::vector<placement_problem>& ps, placement_key key)
{
    std::vector<std::string> out;
    for (const auto& p : ps)
        if (p.key == key)
            out.push_back(p.message);
    return out;
}

}  // namespace

TEST(keeper_placement, every_store_minus_one_still_reaches_the_threshold)
{
    for (int stores = 1; stores <= 6; ++stores)
        for (int shares = 1; shares <= 10; ++shares)
            for (int threshold = 1; threshold <= shares; ++threshold)
            {
                int most = (shares + stores - 1) / stores;
                bool sound = most < threshold && shares - most >= threshold;
                auto ps = check_placement({shares, threshold, stores, 0, false});
                EXPECT_EQ(ps.empty(), sound) << shares << "/" << threshold << " over " << stores;
            }
}

TEST(keeper_placement, two_stores_never_survive_a_lost_one_and_the_message_says_what_to_change)
{
    auto ps = check_placement({5, 3, 2, 0, false});
    auto m = messages(ps, placement_key::stores);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0], "2 store(s) for 5 shares would put 3 shards in one store, enough to reach the threshold "
                    "of 3; this would hold with 3 stores");
    EXPECT_EQ(m[1],
              "2 store(s) for 5 shares leave 2 shards once the fullest store (3) is lost, below the "
              "threshold of 3: one lost store would stop automatic unseal and the rekey's verification; "
              "this would hold with 3 stores");
    // 4 shares, threshold 3, 3 stores: no store reaches 3 but losing one leaves 2.
    m = messages(check_placement({4, 3, 3, 0, false}), placement_key::stores);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_NE(m[0].find("leave 2 shards once the fullest store (2) is lost"), std::string::npos) << m[0];
    EXPECT_NE(m[0].find("this would hold with 4 stores or secret_shares 5"), std::string::npos) << m[0];
    EXPECT_TRUE(check_placement({5, 3, 3, 0, false}).empty());
}

TEST(keeper_placement, custodians_take_shares_out_of_the_stores_pool)
{
    // 7 shares, 2 custodians: the 3 stores share 5 (2, 2, 1), which holds for threshold 3.
    EXPECT_TRUE(check_placement({7, 3, 3, 2, false}).empty());
    // 5 shares, 2 custodians: the 3 stores share 3 (1, 1, 1); one lost leaves 2 < 3.
    auto m = messages(check_placement({5, 3, 3, 2, false}), placement_key::stores);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_NE(m[0].find("3 store(s) for 3 shares (5 minus one per custodian) leave 2"), std::string::npos)
        << m[0];
    EXPECT_NE(m[0].find("this would hold with secret_shares 7 or secret_threshold 2"), std::string::npos)
        << m[0];
    // Custodians that take every share.
    m = messages(check_placement({2, 2, 3, 2, false}), placement_key::custodians);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0], "2 custodians take all 2 shares and leave none for the stores: raise secret_shares");
}

TEST(keeper_placement, no_custodian_alone_and_custodians_together_when_they_must_recover)
{
    auto ps = check_placement({4, 1, 3, 2, false});
    std::vector<int> alone;
    for (const auto& p : ps)
        if (p.key == placement_key::custodian)
            alone.push_back(p.index);
    EXPECT_EQ(alone, (std::vector<int>{0, 1}));
    // 2 custodians cannot reach a threshold of 3 together.
    auto m = messages(check_placement({8, 3, 3, 2, true}), placement_key::can_recover);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_NE(m[0].find("the custodians hold 2 of the threshold of 3"), std::string::npos) << m[0];
    EXPECT_TRUE(check_placement({8, 3, 3, 2, false}).empty());
    // 3 custodians can; the 3 stores share 6 (2, 2, 2): one lost leaves 4.
    EXPECT_TRUE(check_placement({9, 3, 3, 3, true}).empty());
}

TEST(keeper_placement, custodians_hold_the_last_shares_in_config_order)
{
    using k = share_holder::kind;
    auto p = place_with_custodians(7, 3, {"a", "b", "c"}, {"alice", "bob"});
    ASSERT_TRUE(p) << p.error().message;
    std::vector<share_holder> want{{k::store, "a"},      {k::store, "b"}, {k::store, "c"},
                                   {k::store, "a"},      {k::store, "b"}, {k::custodian, "alice"},
                                   {k::custodian, "bob"}};
    EXPECT_EQ(*p, want);
    EXPECT_FALSE(place_with_custodians(2, 2, {"a", "b", "c"}, {"alice", "bob"}));
    // The stores' pool (5 - 2 = 3) over one store reaches the threshold.
    EXPECT_FALSE(place_with_custodians(5, 3, {"a"}, {"alice", "bob"}));
}

TEST(keeper_placement, object_names)
{
    EXPECT_TRUE(valid_object_name("set-1-shard-0"));
    EXPECT_TRUE(valid_object_name("keeper-state"));
    EXPECT_FALSE(valid_object_name(""));
    EXPECT_FALSE(valid_object_name("-a"));
    EXPECT_FALSE(valid_object_name("a/b"));
    EXPECT_FALSE(valid_object_name("A"));
    EXPECT_FALSE(valid_object_name(std::string(201, 'a')));
}

TEST(keeper_blob, kek_forms)
{
    EXPECT_EQ(decode_kek(vk::secret(std::string(64, 'F')))->reveal(), std::string(32, '\xff'));
    EXPECT_EQ(decode_kek(vk::secret("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))->reveal(),
              "0123456789abcdef0123456789abcdef");
    EXPECT_FALSE(decode_kek(vk::secret(std::string(63, 'a'))));
    EXPECT_FALSE(decode_kek(vk::secret(std::string(64, 'z'))));
    EXPECT_FALSE(decode_kek(vk::secret("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlh")));  // 27 bytes
}

TEST(keeper_blob, seal_open_and_every_tamper_refused)
{
    vk::secret kek(std::string(32, 'k')), other(std::string(32, 'o'));
    auto sealed = seal_blob(kek, "set-1-shard-0", "shard bytes");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->find("shard bytes"), std::string::npos);
    EXPECT_EQ(*open_blob(kek, "set-1-shard-0", *sealed), "shard bytes");
    EXPECT_NE(*sealed, *seal_blob(kek, "set-1-shard-0", "shard bytes"));  // fresh nonce
    EXPECT_FALSE(open_blob(kek, "set-1-shard-1", *sealed));               // moved to another name
    EXPECT_FALSE(open_blob(other, "set-1-shard-0", *sealed));
    auto flipped = *sealed;
    flipped[flipped.size() / 2] ^= 1;
    EXPECT_FALSE(open_blob(kek, "set-1-shard-0", flipped));
    EXPECT_FALSE(open_blob(kek, "set-1-shard-0", sealed->substr(0, 20)));
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
