// Issue 10, point 1 (interrupted saves heal): what Consul holds vs what the writer wants decides which
// buckets are rewritten, then the index.
#include "sync/model/bucket_json.hpp"
#include "sync/model/heal.hpp"
#include "sync/model/write_plan.hpp"

#include <gtest/gtest.h>
#include <map>

using namespace vk::sync;

namespace {

sync_info info_with(std::size_t buckets, int secrets, int version = 1)
{
    auto info = sync_info::create(buckets);
    for (int i = 0; i < secrets; ++i)
        info->put("s/data/k" + std::to_string(i),
                  insight{static_cast<std::uint64_t>(version), "2024-01-01T00:00:00Z", "kvV2"});
    info->reindex();
    return std::move(*info);
}

using kv_map = std::map<std::string, std::string, std::less<>>;

kv_map consul_of(sync_info& info, const std::string& prefix)
{
    kv_map out;
    for (auto& kv : to_kv(info, prefix))
        out[kv.key] = kv.value;
    return out;
}

kv_lookup lookup_in(const kv_map& m)
{
    return [&m](std::string_view key) -> const std::string* {
        auto it = m.find(key);
        return it == m.end() ? nullptr : &it->second;
    };
}

}  // namespace

TEST(sync_heal, consistent_holdings_need_no_write)
{
    auto info = info_with(4, 20);
    auto w = heal_writes(consul_holdings::consistent(info.index()), info.index());
    EXPECT_TRUE(w.buckets.empty());
    EXPECT_FALSE(w.index);
}

TEST(sync_heal, a_torn_save_rewrites_the_buckets_that_differ_and_the_index)
{
    // Old publish, then a save of v2 that wrote buckets 0 and 1 and died before 2, 3 and the index.
    auto old_info = info_with(4, 20, 1);
    auto consul = consul_of(old_info, "p/");
    auto new_info = info_with(4, 20, 2);
    auto new_kv = consul_of(new_info, "p/");
    consul["p/0"] = new_kv["p/0"];
    consul["p/1"] = new_kv["p/1"];
    auto held = holdings_from_kv("p/", lookup_in(consul), 4);
    EXPECT_EQ(held.buckets[0], new_info.index()[0]);
    ASSERT_TRUE(held.index);
    EXPECT_EQ(*held.index, old_info.index());
    auto w = heal_writes(held, new_info.index());
    EXPECT_EQ(w.buckets, (std::vector<std::size_t>{2, 3}));
    EXPECT_TRUE(w.index);

    // The remembered index alone would have missed this: the content went back to the old hashes.
    auto back = heal_writes(held, old_info.index());
    EXPECT_EQ(back.buckets, (std::vector<std::size_t>{0, 1}))
        << "buckets whose content returns to the remembered hash must still be rewritten";
    EXPECT_TRUE(back.index) << "the index follows any rewritten bucket (destinations wake on it)";
}

TEST(sync_heal, all_buckets_written_but_not_the_index_rewrites_only_the_index)
{
    auto old_info = info_with(2, 10, 1);
    auto consul = consul_of(old_info, "p/");
    auto new_info = info_with(2, 10, 2);
    for (auto& [k, v] : consul_of(new_info, "p/"))
        if (k != "p/index")
            consul[k] = v;
    auto w = heal_writes(holdings_from_kv("p/", lookup_in(consul), 2), new_info.index());
    EXPECT_TRUE(w.buckets.empty());
    EXPECT_TRUE(w.index);
    auto plan = plan_writes_from(holdings_from_kv("p/", lookup_in(consul), 2), new_info, "p/");
    ASSERT_EQ(plan.size(), 1u);
    ASSERT_EQ(plan[0].size(), 1u);
    EXPECT_EQ(plan[0][0].key, "p/index");
}

TEST(sync_heal, missing_or_undecodable_keys_are_rewritten)
{
    auto info = info_with(3, 9);
    kv_map consul = consul_of(info, "p/");
    consul.erase("p/1");
    consul["p/2"] = "not json";
    consul["p/index"] = "garbage";
    auto held = holdings_from_kv("p/", lookup_in(consul), 3);
    EXPECT_FALSE(held.index);
    auto w = heal_writes(held, info.index());
    EXPECT_EQ(w.buckets, (std::vector<std::size_t>{1, 2}));
    EXPECT_TRUE(w.index);
    EXPECT_EQ(heal_writes(consul_holdings{}, info.index()).buckets.size(), 3u)
        << "nothing known: all rewritten";
}

TEST(sync_heal, healed_writes_leave_consul_byte_identical_to_a_clean_publish)
{
    auto old_info = info_with(4, 40, 1);
    auto consul = consul_of(old_info, "p/");
    auto new_info = info_with(4, 40, 2);
    auto clean = consul_of(new_info, "p/");
    consul["p/3"] = clean["p/3"];  // a torn save
    for (auto& batch : plan_writes_from(holdings_from_kv("p/", lookup_in(consul), 4), new_info, "p/"))
        for (auto& set : batch)
        {
            const auto kv = materialize(set, new_info);
            consul[kv.key] = kv.value;
        }
    EXPECT_EQ(consul, clean);
}
