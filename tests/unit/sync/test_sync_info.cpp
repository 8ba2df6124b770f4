// sync_info, its Consul layout (write order, read-back, torn reads) and the capacity check.
#include "sync/model/capacity.hpp"
#include "sync/model/consul_layout.hpp"
#include "sync/model/go_format.hpp"
#include "sync/model/info_assembly.hpp"
#include "sync/model/sync_info.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace vk::sync;

namespace {

sync_info section_2_2_info()
{
    auto info = sync_info::create(3).value();
    info.put("secret/data/team1/db", {3, "2021-06-02T21:36:12.123456789Z", "kvV2"});
    info.put("secret/data/bar", {1, "2021-06-01T10:00:00.5Z", "kvV2"});
    info.put("secret/data/app/prod", {7, "2021-05-30T08:15:42.000000001Z", "kvV2"});
    return info;
}

std::map<std::string, std::string, std::less<>> as_map(const std::vector<kv_pair>& kv)
{
    std::map<std::string, std::string, std::less<>> out;
    for (const auto& p : kv)
        out[p.key] = p.value;
    return out;
}

}  // namespace

TEST(sync_info, new_info_is_n_empty_buckets_with_the_empty_hash)
{
    auto info = sync_info::create(3).value();
    EXPECT_FALSE(info.dirty());
    auto kv = to_kv(info, "vsync/destination/");
    ASSERT_EQ(kv.size(), 4u);
    EXPECT_EQ(kv[0], (kv_pair{"vsync/destination/0", "{}"}));
    EXPECT_EQ(kv[2], (kv_pair{"vsync/destination/2", "{}"}));
    const std::string h(empty_bucket_hash);
    EXPECT_EQ(kv[3], (kv_pair{"vsync/destination/index", "[\"" + h + "\",\"" + h + "\",\"" + h + "\"]"}));
    EXPECT_FALSE(sync_info::create(0));
    EXPECT_FALSE(sync_info::create(65536));
}

TEST(sync_info, section_2_2_layout_byte_for_byte_with_index_last)
{
    auto info = section_2_2_info();
    auto kv = to_kv(info, "vsync/origin/");
    ASSERT_EQ(kv.size(), 4u);
    EXPECT_EQ(
        kv[0].value,
        R"({"secret/data/team1/db":{"version":3,"updateTime":"2021-06-02T21:36:12.123456789Z","type":"kvV2"}})");
    EXPECT_EQ(kv[1].value,
              R"({"secret/data/bar":{"version":1,"updateTime":"2021-06-01T10:00:00.5Z","type":"kvV2"}})");
    EXPECT_EQ(
        kv[2].value,
        R"({"secret/data/app/prod":{"version":7,"updateTime":"2021-05-30T08:15:42.000000001Z","type":"kvV2"}})");
    EXPECT_EQ(kv[3].key, "vsync/origin/index");
    EXPECT_EQ(kv[3].value, R"(["2bf64a6586d7813c2bf685ff2d1696c5a96918f0854f8436937ef34166a5ae17",)"
                           R"("a40e9a6826001fe519609ce4845e10f2e25fbcfe4786ff24e9002ec8f7196f44",)"
                           R"("57a3f11c9dedab5a45c5de088798c2b566c00a143f65ae84738b21ae4dda8382"])");
}

TEST(sync_info, put_remove_find_and_dirty_tracking)
{
    auto info = sync_info::create(3).value();
    info.put("secret/data/foo", {1, "t", "kvV2"});
    EXPECT_TRUE(info.dirty());
    EXPECT_EQ(info.size(), 1u);
    EXPECT_TRUE(info.bucket_at(2).contains("secret/data/foo"));
    ASSERT_TRUE(info.find("secret/data/foo"));
    EXPECT_EQ(info.find("secret/data/foo")->version, 1);
    EXPECT_FALSE(info.find("secret/data/nope"));
    info.reindex();
    EXPECT_FALSE(info.dirty());
    const auto before = info.index();
    info.put("secret/data/foo", {1, "t", "kvV2"});  // identical: stays clean
    EXPECT_FALSE(info.dirty());
    info.put("secret/data/foo", {2, "t", "kvV2"});
    info.reindex();
    EXPECT_NE(info.index()[2], before[2]);
    EXPECT_EQ(info.index()[0], before[0]);
    EXPECT_TRUE(info.remove("secret/data/foo"));
    EXPECT_FALSE(info.remove("secret/data/foo"));
    info.reindex();
    EXPECT_EQ(info.index()[2], empty_bucket_hash);
    EXPECT_EQ(info.size(), 0u);
}

TEST(sync_info, reads_back_what_was_written_and_ignores_stale_keys)
{
    auto info = section_2_2_info();
    auto kv = as_map(to_kv(info, "vsync/origin/"));
    kv["vsync/origin/3"] = "not json, stale bucket of a larger N";
    kv["vsync/origin/vsyncChecks/abc"] = "abc";
    auto loaded = from_kv("vsync/origin/", kv);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    EXPECT_TRUE(loaded->torn.empty());
    EXPECT_EQ(loaded->info.index(), info.index());
    EXPECT_EQ(loaded->read_index, info.index());
    EXPECT_EQ(loaded->info.size(), 3u);
    ASSERT_TRUE(loaded->info.find("secret/data/bar"));
}

TEST(sync_info, torn_read_names_the_buckets_that_do_not_match_the_index)
{
    auto info = section_2_2_info();
    auto kv = as_map(to_kv(info, "vsync/origin/"));
    // A writer replaced bucket 1 after the index was read.
    kv["vsync/origin/1"] =
        R"({"secret/data/bar":{"version":2,"updateTime":"2021-06-01T10:00:00.5Z","type":"kvV2"}})";
    auto loaded = from_kv("vsync/origin/", kv);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->torn, std::vector<std::size_t>{1});
    EXPECT_NE(loaded->info.index()[1], loaded->read_index[1]);
    // The shell re-reads bucket 1 and the index; now both are the new write and nothing is torn.
    auto fresh = info;
    fresh.put("secret/data/bar", {2, "2021-06-01T10:00:00.5Z", "kvV2"});
    fresh.reindex();
    loaded->info.set_bucket(1, fresh.bucket_at(1));
    EXPECT_TRUE(torn_buckets(loaded->info, fresh.index()).empty());
    EXPECT_EQ(torn_buckets(loaded->info, std::vector<std::string>(2)).size(), 3u);
}

TEST(sync_info, missing_or_bad_keys_are_errors_naming_the_key)
{
    auto two = sync_info::create(2).value();
    auto kv = as_map(to_kv(two, "p/"));
    auto no_bucket = kv;
    no_bucket.erase("p/1");
    auto r = from_kv("p/", no_bucket);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::not_found);
    EXPECT_EQ(r.error().path, "p/1");
    auto no_index = kv;
    no_index.erase("p/index");
    EXPECT_EQ(from_kv("p/", no_index).error().path, "p/index");
    kv["p/index"] = "[1,2]";
    EXPECT_EQ(from_kv("p/", kv).error().code, vk::errc::bad_response);
    kv["p/index"] = "[]";
    EXPECT_FALSE(from_kv("p/", kv));
}

TEST(sync_info, capacity_check_names_the_bucket_count_needed)
{
    auto info = sync_info::create(1).value();
    const std::string pad(200, 'x');
    for (int i = 0; i < 3000; ++i)  // ~780 KB in one bucket
        info.put("secret/data/" + std::to_string(i), {1, pad, "kvV2"});
    info.reindex();
    EXPECT_GT(fill_ratio(info), 1.0);
    auto r = check_capacity(info);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::too_large);
    const auto needed = buckets_needed(info);
    EXPECT_GE(needed, 2u);
    EXPECT_NE(r.error().message.find("buckets: " + std::to_string(needed) + " needed"), std::string::npos)
        << r.error().message;
    // The projection is exact: re-bucketed into `needed` buckets, every bucket fits, and one fewer does not.
    auto fits = sync_info::create(needed).value();
    for (const auto& [p, in] : info.bucket_at(0))
        fits.put(p, in);
    fits.reindex();
    EXPECT_TRUE(check_capacity(fits));
    auto fewer = sync_info::create(needed - 1).value();
    for (const auto& [p, in] : info.bucket_at(0))
        fewer.put(p, in);
    fewer.reindex();
    EXPECT_FALSE(check_capacity(fewer));
}

TEST(sync_info, fill_ratio_of_empty_info_is_tiny)
{
    auto info = sync_info::create(4).value();
    EXPECT_DOUBLE_EQ(fill_ratio(info), 2.0 / static_cast<double>(max_bucket_bytes));
    EXPECT_TRUE(check_capacity(info));
    EXPECT_EQ(buckets_needed(info), 1u);
}

// Issue 22: the info is assembled key by key as the reads come back, in any order, with the same result and
// the same first error (in key order) as a read of the whole prefix.
TEST(sync_info, assembled_key_by_key_in_any_order_it_is_what_the_prefix_holds)
{
    auto info = sync_info::create(4).value();
    for (int i = 0; i < 40; ++i)
        info.put("secret/data/p" + std::to_string(i), {i + 1, "2024-01-01T00:00:00Z", "kvV2"});
    auto kv = as_map(to_kv(info, "p/"));
    info_assembly a("p/", &kv.at("p/index"));
    ASSERT_EQ(a.keys(), 4u);
    for (std::size_t i : {3u, 0u, 2u, 1u})
        a.add(i, &kv.at("p/" + std::to_string(i)));
    auto loaded = a.take_info();
    ASSERT_TRUE(loaded) << loaded.error().describe();
    EXPECT_TRUE(loaded->torn.empty());
    EXPECT_EQ(loaded->info.index(), info.index());
    EXPECT_EQ(loaded->info.size(), 40u);

    info_assembly broken("p/", &kv.at("p/index"));
    std::string bad = "not json";
    broken.add(3, nullptr);  // missing, but a later key than the broken one
    broken.add(2, &bad);
    broken.add(0, &kv.at("p/0"));
    auto err = broken.take_info();
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().path, "p/2") << "the first problem in key order, whatever order the reads came in";
    EXPECT_EQ(err.error().code, vk::errc::bad_response);
}

TEST(sync_info, assembled_holdings_cover_the_configured_buckets_and_never_fail)
{
    auto info = sync_info::create(2).value();
    info.put("secret/data/a", {1, "2024-01-01T00:00:00Z", "kvV2"});
    auto kv = as_map(to_kv(info, "p/"));
    info_assembly a("p/", nullptr, 3);  // no index (an interrupted first save), three buckets wanted
    EXPECT_TRUE(a.index_absent());
    ASSERT_EQ(a.keys(), 3u);
    a.add(0, &kv.at("p/0"));
    a.add(1, nullptr);
    std::string bad = "{";
    a.add(2, &bad);
    auto held = a.take_holdings();
    EXPECT_FALSE(held.index);
    EXPECT_EQ(held.buckets, (std::vector<std::string>{info.index()[0], "", ""}));
    EXPECT_FALSE(a.take_info());
}
