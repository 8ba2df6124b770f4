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
