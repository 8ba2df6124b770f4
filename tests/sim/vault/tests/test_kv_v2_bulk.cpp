// The seeded KV v2 estate (POST /_sim/vault/seed) and the data digest (GET /_sim/vault/digest): realistic
// shape, records indistinguishable from written ones, LIST down the tree, digests that compare two sims.
#include "kv_v2_bulk.hpp"
#include "logical_fixture.hpp"
#include "vault_json.hpp"

#include <set>

namespace vsim::test {
namespace {

using kv_v2_bulk = logical_test;

constexpr std::uint32_t bulk_count = 2000;

std::size_t bulk_depth(const std::string& path)
{
    return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1;
}

TEST_F(kv_v2_bulk, seeded_estate_has_depths_2_to_6_and_values_of_50_to_2000_bytes)
{
    auto sample = lg.seed("secret/", "", bulk_count, 1, now);
    ASSERT_TRUE(sample);
    EXPECT_EQ(sample->size(), 5u);
    std::set<std::size_t> depths;
    std::set<std::string> paths;
    std::size_t small = 0;
    for (std::uint32_t i = 0; i < bulk_count; ++i)
    {
        auto s = kv2::seeded(1, i, "", unix_nanos(now));
        depths.insert(bulk_depth(s.path));
        paths.insert(s.path);
        auto r = send("read", "secret/data/" + s.path);
        ASSERT_EQ(r.status, 200u) << s.path;
        const auto size = json::serialize(data(r).at("data")).size();
        EXPECT_GE(size, 50u) << s.path;
        EXPECT_LE(size, 2000u) << s.path;
        small += size < 500;
    }
    EXPECT_EQ(depths, (std::set<std::size_t>{2, 3, 4, 5, 6}));
    EXPECT_EQ(paths.size(), bulk_count);  // every secret its own path
    EXPECT_GT(small, bulk_count / 2);     // most secrets are small, as in real estates
    EXPECT_EQ((*sample)[0], kv2::seeded(1, 0, "", 0).path);
}

TEST_F(kv_v2_bulk, same_seed_same_estate_other_seed_other_paths_prefix_is_a_folder)
{
    auto t = unix_nanos(now);
    EXPECT_EQ(kv2::seeded(7, 42, "", t).path, kv2::seeded(7, 42, "", t).path);
    EXPECT_EQ(kv2::seeded(7, 42, "", t).data_json, kv2::seeded(7, 42, "", t).data_json);
    EXPECT_NE(kv2::seeded(7, 42, "", t).path, kv2::seeded(8, 42, "", t).path);
    EXPECT_EQ(kv2::seeded(7, 42, "bench", t).path, "bench/" + kv2::seeded(7, 42, "", t).path);
    EXPECT_EQ(kv2::seeded(7, 42, "bench/", t).path, "bench/" + kv2::seeded(7, 42, "", t).path);
}

TEST_F(kv_v2_bulk, seeded_metadata_answers_as_a_written_secret_does)
{
    ASSERT_TRUE(lg.seed("secret/", "", 50, 3, now));
    auto s = kv2::seeded(3, 17, "", unix_nanos(now));
    // The same data written through the API at the seeded secret's time.
    auto later = now;
    now = clock::time_point(std::chrono::nanoseconds(s.written_ns));
    ASSERT_EQ(
        send("create", "secret/data/written/x", json::object{{"data", json::parse(s.data_json)}}).status,
        200u);
    now = later;
    auto seeded_md = send("read", "secret/metadata/" + s.path);
    auto written_md = send("read", "secret/metadata/written/x");
    ASSERT_EQ(seeded_md.status, 200u);
    EXPECT_EQ(json::serialize(data(seeded_md)), json::serialize(data(written_md)));
    EXPECT_EQ(data(seeded_md).at("current_version").as_int64(), 1);
    auto seeded_read = send("read", "secret/data/" + s.path);
    auto written_read = send("read", "secret/data/written/x");
    EXPECT_EQ(json::serialize(data(seeded_read)), json::serialize(data(written_read)));
}

TEST_F(kv_v2_bulk, list_walks_down_to_every_seeded_secret)
{
    ASSERT_TRUE(lg.seed("secret/", "estate/", bulk_count, 1, now));
    std::vector<std::string> folders{"estate/"};
    std::size_t leaves = 0;
    while (!folders.empty())
    {
        auto folder = folders.back();
        folders.pop_back();
        auto r = send("list", "secret/metadata/" + folder);
        ASSERT_EQ(r.status, 200u) << folder;
        const auto listed = data(r);
        for (auto& k : listed.at("keys").as_array())
        {
            std::string name(k.as_string());
            if (name.ends_with('/'))
                folders.push_back(folder + name);
            else
                ++leaves;
        }
    }
    EXPECT_EQ(leaves, bulk_count);
}

TEST_F(kv_v2_bulk, digest_matches_equal_data_and_sees_a_change_or_a_delete)
{
    ASSERT_TRUE(lg.seed("secret/", "", 100, 1, now));
    storage other_st;
    logical other{other_st};
    other.initialize("dev-root", now);
    ASSERT_TRUE(other.seed("secret/", "", 100, 1, now));
    auto mine = lg.digest("secret/", now);
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->first, 100u);
    EXPECT_EQ(mine->second.size(), 64u);
    EXPECT_EQ(other.digest("secret/", now), mine);

    const auto path = kv2::seeded(1, 5, "", 0).path;
    send("update", "secret/data/" + path, json::object{{"data", json::object{{"k", "changed"}}}});
    EXPECT_NE(lg.digest("secret/", now)->second, mine->second);
    send("delete", "secret/data/" + path);
    auto after_delete = lg.digest("secret/", now);
    EXPECT_EQ(after_delete->first, 99u);
    EXPECT_NE(after_delete->second, mine->second);
    EXPECT_FALSE(lg.digest("cubbyhole/", now));
    EXPECT_FALSE(lg.seed("cubbyhole/", "", 1, 1, now));
}

}  // namespace
}  // namespace vsim::test
