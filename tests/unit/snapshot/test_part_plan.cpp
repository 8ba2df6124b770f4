// Part sizing within S3's and Azure's limits.
#include "snapshot/model/part_plan.hpp"

#include <gtest/gtest.h>

using namespace vk::snapshot;

namespace {
constexpr std::uint64_t mib = 1ull << 20;
constexpr std::uint64_t gib = 1ull << 30;
constexpr std::uint64_t tib = 1ull << 40;

// Every part within the limits, the parts covering the file exactly.
void expect_fits(const part_limits& l, std::uint64_t size, const part_plan& p)
{
    EXPECT_LE(p.count, l.max_parts);
    EXPECT_LE(p.part_size, l.max_part);
    EXPECT_GE(p.part_size, l.min_part);
    EXPECT_EQ(p.offset(p.count - 1) + p.length(p.count - 1, size), size);
    if (size > 0)
        EXPECT_GT(p.length(p.count - 1, size), 0u);
}
}  // namespace

TEST(part_plan, tiny_and_empty_files_are_one_part)
{
    for (const auto& l : {s3_part_limits, azure_block_limits})
    {
        auto empty = plan_parts(l, 0, 64 * mib);
        ASSERT_TRUE(empty);
        EXPECT_EQ(empty->count, 1u);
        EXPECT_EQ(empty->length(0, 0), 0u);
        auto tiny = plan_parts(l, 100, 64 * mib);
        ASSERT_TRUE(tiny);
        EXPECT_EQ(tiny->count, 1u);
        EXPECT_EQ(tiny->length(0, 100), 100u);
    }
}

TEST(part_plan, configured_size_is_clamped_to_the_service)
{
    EXPECT_EQ(plan_parts(s3_part_limits, 100 * mib, 1)->part_size, 5 * mib);
    EXPECT_EQ(plan_parts(s3_part_limits, 100 * mib, 64 * mib)->part_size, 64 * mib);
    EXPECT_EQ(plan_parts(s3_part_limits, 100 * gib, 8 * gib)->part_size, 5 * gib);
    EXPECT_EQ(plan_parts(azure_block_limits, 10000, 1)->part_size, 1u);  // 10,000 one-byte blocks
    EXPECT_EQ(plan_parts(azure_block_limits, 100 * gib, 8 * gib)->part_size, 4000 * mib);
}

TEST(part_plan, thirty_gib_keeps_the_configured_size_on_both)
{
    const auto size = 30 * gib;
    for (const auto& l : {s3_part_limits, azure_block_limits})
    {
        auto p = plan_parts(l, size, 64 * mib);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->part_size, 64 * mib);
        EXPECT_EQ(p->count, 480u);
        expect_fits(l, size, *p);
    }
    // With S3's smallest parts 30 GiB needs 6,144: still within 10,000; Azure's 1 MiB blocks would need
    // 30,720, within 50,000.
    EXPECT_EQ(plan_parts(s3_part_limits, size, 5 * mib)->count, 6144u);
    EXPECT_EQ(plan_parts(azure_block_limits, size, mib)->count, 30720u);
}

TEST(part_plan, part_size_grows_in_whole_mib_to_stay_within_the_part_count)
{
    const auto s3 = plan_parts(s3_part_limits, 100 * gib, 5 * mib);
    ASSERT_TRUE(s3);
    EXPECT_EQ(s3->part_size, 11 * mib);  // 100 GiB / 10,000 = 10.24 MiB
    expect_fits(s3_part_limits, 100 * gib, *s3);
    const auto azure = plan_parts(azure_block_limits, 100 * gib, mib);
    ASSERT_TRUE(azure);
    EXPECT_EQ(azure->part_size, 3 * mib);  // 100 GiB / 50,000 = 2.05 MiB
    expect_fits(azure_block_limits, 100 * gib, *azure);
}

TEST(part_plan, the_largest_objects_fit_exactly_and_one_byte_more_is_refused)
{
    const auto s3_max = 10000 * 5 * gib;  // 48.8 TiB
    auto s3 = plan_parts(s3_part_limits, s3_max, 64 * mib);
    ASSERT_TRUE(s3);
    EXPECT_EQ(s3->part_size, 5 * gib);
    EXPECT_EQ(s3->count, 10000u);
    expect_fits(s3_part_limits, s3_max, *s3);
    EXPECT_GT(s3_max, 48 * tib);
    auto over = plan_parts(s3_part_limits, s3_max + 1, 64 * mib);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, vk::errc::invalid_argument);

    const auto azure_max = 50000 * 4000 * mib;
    auto azure = plan_parts(azure_block_limits, azure_max, 64 * mib);
    ASSERT_TRUE(azure);
    EXPECT_EQ(azure->part_size, 4000 * mib);
    EXPECT_EQ(azure->count, 50000u);
    EXPECT_FALSE(plan_parts(azure_block_limits, azure_max + 1, 64 * mib));
    // A size just over a whole number of MiB per part rounds up and still fits.
    auto odd = plan_parts(s3_part_limits, 10000 * 7 * mib + 1, 5 * mib);
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->part_size, 8 * mib);
    expect_fits(s3_part_limits, 10000 * 7 * mib + 1, *odd);
}
