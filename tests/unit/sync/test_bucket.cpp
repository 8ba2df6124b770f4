// The compact bucket against a std::map doing the same operations: same contents, same order, same answers.
#include "sync/model/bucket.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

using namespace vk::sync;

namespace {

using bucket_reference = std::map<std::string, insight, std::less<>>;

std::vector<std::pair<std::string, insight>> bucket_contents(const bucket& b)
{
    std::vector<std::pair<std::string, insight>> out;
    for (const auto& [path, in] : b)
        out.emplace_back(std::string(path), in.owned());
    return out;
}

std::vector<std::pair<std::string, insight>> reference_contents(const bucket_reference& m)
{
    return {m.begin(), m.end()};
}

}  // namespace

TEST(sync_bucket, puts_in_any_order_iterate_in_bytewise_path_order_and_the_last_put_wins)
{
    bucket b;
    b.put("s/data/b", {1, "t1", "kvV2"});
    b.put("s/data/a", {2, "t2", "kvV2"});
    b.put("s/data/B", {3, "t3", "kvV1"});
    b.put("s/data/a", {4, "t4", "kvV2"});
    const auto got = bucket_contents(b);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].first, "s/data/B");  // 'B' < 'a' < 'b' bytewise, as Go sorts map keys
    EXPECT_EQ(got[1], (std::pair<std::string, insight>{"s/data/a", {4, "t4", "kvV2"}}));
    EXPECT_EQ(got[2].first, "s/data/b");
    EXPECT_EQ(b.size(), 3u);
}

TEST(sync_bucket, an_identical_put_into_a_settled_bucket_changes_nothing)
{
    bucket b{{"p", {1, "t", "kvV2"}}};
    ASSERT_EQ(b.size(), 1u);
    EXPECT_FALSE(b.put("p", {1, "t", "kvV2"}));
    EXPECT_TRUE(b.put("p", {1, "u", "kvV2"}));
    EXPECT_EQ(b.find("p")->update_time, "u");
    EXPECT_TRUE(b.put("q", {1, "t", "kvV2"}));
}

TEST(sync_bucket, remove_and_find)
{
    bucket b{{"a", {1, "t", "kvV2"}}, {"b", {2, "t", "kvV2"}}};
    EXPECT_TRUE(b.remove("a"));
    EXPECT_FALSE(b.remove("a"));
    EXPECT_FALSE(b.find("a"));
    ASSERT_TRUE(b.find("b"));
    EXPECT_EQ(b.find("b")->version, 2);
    EXPECT_EQ(b.size(), 1u);
}

TEST(sync_bucket, rewriting_every_entry_many_times_keeps_the_arena_bounded)
{
    bucket b;
    for (int round = 0; round < 50; ++round)
    {
        for (int i = 0; i < 200; ++i)
            b.put("secret/data/path/" + std::to_string(i),
                  {round, "2024-01-01T00:00:00." + std::to_string(round) + "Z", "kvV2"});
        ASSERT_EQ(b.size(), 200u);
    }
    EXPECT_EQ(b.find("secret/data/path/7")->version, 49);
    // 200 entries of ~50 bytes of text: compaction keeps the arena within a small multiple of that.
    EXPECT_LT(b.heap_bytes(), 200u * (24 + 50) * 4);
}

TEST(sync_bucket, random_operations_match_a_map)
{
    std::mt19937 rng(7);
    bucket b;
    bucket_reference m;
    for (int step = 0; step < 20000; ++step)
    {
        const std::string path = "p/" + std::to_string(rng() % 300);
        const int op = static_cast<int>(rng() % 10);
        if (op < 6)
        {
            insight in{static_cast<std::int64_t>(rng() % 5), "t" + std::to_string(rng() % 3),
                       rng() % 2 ? "kvV2" : "kvV1"};
            const bool was_same = m.contains(path) && m[path] == in;
            // A put of something new always says so (a put into an unsettled bucket may also say true
            // for an identical insight: it does not look).
            if (!was_same)
                EXPECT_TRUE(b.put(path, in));
            else
                b.put(path, in);
            m[path] = in;
        }
        else if (op < 8)
            EXPECT_EQ(b.remove(path), m.erase(path) == 1);
        else
        {
            const auto found = b.find(path);
            ASSERT_EQ(found.has_value(), m.contains(path));
            if (found)
                EXPECT_EQ(found->owned(), m[path]);
        }
        if (step % 997 == 0)
            ASSERT_EQ(bucket_contents(b), reference_contents(m));
    }
    EXPECT_EQ(bucket_contents(b), reference_contents(m));
    bucket same;
    for (const auto& [path, in] : m)
        same.push_back(path, in);
    EXPECT_EQ(b, same);
}

TEST(sync_bucket, text_longer_than_a_bucket_stores_is_a_bug_not_a_silent_cut)
{
    bucket b;
    EXPECT_THROW(b.put("p", {1, std::string(max_insight_text + 1, 't'), "kvV2"}), std::length_error);
    EXPECT_TRUE(b.empty());
}
