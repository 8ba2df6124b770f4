// The bucket limit (a bucket's base64 inside one Consul transaction), the bucket count needed for a set of
// entries, and the message that names it for the job (issue 22).
#include "sync/model/bucket_id.hpp"
#include "sync/model/capacity.hpp"
#include "sync/model/consul_layout.hpp"
#include "sync/model/write_plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace vk::sync;

namespace {

constexpr std::size_t txn_max_req_len = 512 * 1024;  // Consul's default limits.txn_max_req_len

// What an entry of `path` adds to a bucket, from one real insight as the origin writes it.
std::size_t capacity_entry_bytes(const std::string& path)
{
    bucket b{{path, insight{12, "2026-12-05T01:53:08.123456789Z", std::string(type_kv_v2)}}};
    key_sizes one;
    one.add(b);
    return one.total();
}

// `n` paths of depth 2 to 6 under secret/data/, ~50-70 bytes each, like a real estate's.
key_sizes capacity_estate(std::size_t n)
{
    const std::size_t fixed = capacity_entry_bytes("x") - 1;
    key_sizes out;
    std::string path;
    for (std::size_t i = 0; i < n; ++i)
    {
        path = "secret/data/team-" + std::to_string(i % 97);
        for (std::size_t d = 0; d < i % 5; ++d)
            path += "/service-" + std::to_string((i / 7 + d) % 1000);
        path += "/key-" + std::to_string(i);
        out.add(path_key(path), fixed + path.size());
    }
    return out;
}

}  // namespace

TEST(capacity, a_full_bucket_fits_one_transaction_and_384_kib_would_not)
{
    // The longest bucket key a default layout writes, with a long sync path.
    const std::string key = bucket_key(std::string(200, 'p') + "/destination/", 65534);
    EXPECT_TRUE(fits_one_txn({key, std::string(max_bucket_bytes, 'x')}, txn_max_req_len));
    // 384 KiB raw is 512 KiB of base64: nothing left for the operation around it.
    EXPECT_FALSE(fits_one_txn({key, std::string(384 * 1024, 'x')}, txn_max_req_len));
    EXPECT_LE(max_bucket_bytes, 384u * 1024);
}

TEST(capacity, entries_over_the_limit_name_the_bucket_and_the_count_needed)
{
    key_sizes entries;
    for (std::uint16_t k = 0; k < 4000; ++k)
        entries.add(k, 1000);  // 4 MB over 8 buckets: 500 KB each
    auto r = check_capacity(entries, 8);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::too_large);
    const auto needed = buckets_needed(entries);
    EXPECT_EQ(needed, 11u);  // 4000 / 11 -> at most 364 entries, 364,000 bytes; 10 buckets hold 400,000
    EXPECT_EQ(r.error().message,
              "bucket 0 holds 500001 bytes, over the 392192 bytes a bucket may hold (its "
              "base64 must fit one Consul transaction of 512 KiB); buckets: 11 needed (now 8)");
    EXPECT_TRUE(check_capacity(entries, needed));
    EXPECT_FALSE(check_capacity(entries, needed - 1));
    EXPECT_TRUE(check_capacity(key_sizes{}, 1));
}

// Sums per key project exactly what the entries would: the same bucket sizes at every count.
TEST(capacity, sums_per_key_project_the_buckets_the_entries_make)
{
    sync_info info = *sync_info::create(7);
    for (int i = 0; i < 3000; ++i)
        info.put("secret/data/app-" + std::to_string(i % 13) + "/key-" + std::to_string(i),
                 insight{i, "2026-12-05T01:53:08Z", std::string(type_kv_v2)});
    info.reindex();
    key_sizes sizes;
    for (std::size_t b = 0; b < info.bucket_count(); ++b)
        sizes.add(info.bucket_at(b));
    const auto at7 = sizes.at(7);
    for (std::size_t b = 0; b < 7; ++b)
        EXPECT_EQ(at7[b], info.bucket_bytes(b)) << b;
    for (std::size_t n : {1u, 3u, 64u, 1000u})
    {
        auto moved = rebucket(info, n);
        ASSERT_TRUE(moved);
        const auto at = sizes.at(n);
        for (std::size_t b = 0; b < n; ++b)
            EXPECT_EQ(at[b], moved->bucket_bytes(b)) << n << " buckets, bucket " << b;
    }
    EXPECT_EQ(buckets_needed(sizes), buckets_needed(info));
}

TEST(capacity, a_single_entry_too_big_for_any_count_says_so)
{
    key_sizes entries;
    entries.add(7, max_bucket_bytes + 1);
    EXPECT_EQ(buckets_needed(entries), 0u);
    auto r = check_capacity(entries, 4);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("even 65535 buckets would not be enough"), std::string::npos);
}

TEST(capacity, the_message_names_the_job_and_whose_buckets_to_raise)
{
    auto e =
        vk::make_error(vk::errc::too_large, "bucket 3 holds 400000 bytes ...; buckets: 300 needed (now 256)");
    auto origin = capacity_error_for(e, "publish", true);
    EXPECT_EQ(origin.message, "sync job \"publish\" (origin): bucket 3 holds 400000 bytes ...; buckets: 300 "
                              "needed (now 256); set the job's \"buckets\" to at least that");
    auto dest = capacity_error_for(e, "replicate-eu", false);
    EXPECT_NE(dest.message.find("sync job \"replicate-eu\" (destination"), std::string::npos);
    EXPECT_NE(dest.message.find("the origin job's \"buckets\""), std::string::npos);
    EXPECT_EQ(dest.code, vk::errc::too_large);
}

// Issue 22: a million secrets with realistic paths do not fit 256 buckets under the transaction bound, and
// the check says how many do; at that count every bucket stays within 383 KiB.
TEST(capacity, a_million_realistic_paths_need_the_count_the_check_names)
{
    const auto estate = capacity_estate(1'000'000);
    auto at_256 = check_capacity(estate, 256);
    ASSERT_FALSE(at_256);
    const auto needed = buckets_needed(estate);
    ASSERT_GT(needed, 256u);
    EXPECT_LE(needed, 512u) << "a million secrets should need no more than 512 buckets";
    EXPECT_NE(at_256.error().message.find("buckets: " + std::to_string(needed) + " needed (now 256)"),
              std::string::npos)
        << at_256.error().message;
    EXPECT_TRUE(check_capacity(estate, needed));
    EXPECT_TRUE(check_capacity(estate, 512));
}
