// The restore's choice between the spool (one pass) and two streamed passes.
#include "snapshot/model/restore_plan.hpp"

#include <gtest/gtest.h>

#include <limits>

using namespace vk::snapshot;

namespace {
constexpr std::uint64_t plan_mib = 1ull << 20;
constexpr std::uint64_t plan_gib = 1ull << 30;
}  // namespace

TEST(restore_plan, a_plain_snapshot_that_fits_with_the_margin_takes_one_pass)
{
    EXPECT_EQ(choose_restore_path(plan_gib, false, plan_gib + restore_spool_margin, std::nullopt),
              restore_path::one_pass);
    EXPECT_EQ(choose_restore_path(plan_gib, false, plan_gib + restore_spool_margin - 1, std::nullopt),
              restore_path::two_pass);
}

TEST(restore_plan, an_encrypted_snapshot_needs_room_for_its_plaintext_too)
{
    EXPECT_EQ(spool_bytes_needed(plan_gib, true), 2 * plan_gib);
    EXPECT_EQ(choose_restore_path(plan_gib, true, plan_gib + restore_spool_margin, std::nullopt),
              restore_path::two_pass);
    EXPECT_EQ(choose_restore_path(plan_gib, true, 2 * plan_gib + restore_spool_margin, std::nullopt),
              restore_path::one_pass);
}

TEST(restore_plan, the_jobs_limit_caps_the_free_space)
{
    EXPECT_EQ(choose_restore_path(plan_mib, false, 100 * plan_gib, std::uint64_t{0}), restore_path::two_pass);
    EXPECT_EQ(choose_restore_path(plan_mib, false, 100 * plan_gib, 2 * plan_gib), restore_path::one_pass);
    // A limit above the free space does not add room.
    EXPECT_EQ(choose_restore_path(plan_gib, false, plan_gib, 100 * plan_gib), restore_path::two_pass);
}

TEST(restore_plan, huge_sizes_do_not_wrap_into_fitting)
{
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    EXPECT_EQ(spool_bytes_needed(max - 1, true), max);
    EXPECT_EQ(choose_restore_path(max - 1, true, max, std::nullopt), restore_path::two_pass);
    EXPECT_EQ(choose_restore_path(max, false, max, std::nullopt), restore_path::two_pass);
    EXPECT_EQ(choose_restore_path(0, false, restore_spool_margin - 1, std::nullopt), restore_path::two_pass);
}

TEST(restore_plan, path_names)
{
    EXPECT_EQ(to_string(restore_path::one_pass), "one-pass");
    EXPECT_EQ(to_string(restore_path::two_pass), "two-pass");
}
