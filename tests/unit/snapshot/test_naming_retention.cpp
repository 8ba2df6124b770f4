// Snapshot names and the retention decision.
#include "snapshot/model/naming.hpp"
#include "snapshot/model/retention.hpp"

#include <gtest/gtest.h>

namespace vk::snapshot {
namespace {

using namespace std::chrono;

system_time at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0)
{
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(snapshot_naming, utc_names_round_trip)
{
    name_format f;
    const auto t = at(2026, 11, 30, 12, 5, 9);
    EXPECT_EQ(snapshot_name(f, t + milliseconds(700)), "raft-snapshot-2026-11-30T12-05-09Z.snap");
    EXPECT_EQ(parse_snapshot_name(f, "raft-snapshot-2026-11-30T12-05-09Z.snap"), t);
}

TEST(snapshot_naming, unix_nano_names_are_the_agents)
{
    name_format f{"raft_snapshot-", ".snap", timestamp_style::unix_nano};
    const system_time t{duration_cast<system_clock::duration>(nanoseconds{1668767067323825425})};
    EXPECT_EQ(snapshot_name(f, t), "raft_snapshot-1668767067323825425.snap");
    EXPECT_EQ(parse_snapshot_name(f, "raft_snapshot-1668767067323825425.snap"), t);
}

TEST(snapshot_naming, other_names_do_not_parse)
{
    name_format f;
    for (const char* n :
         {"raft-snapshot-2026-11-30T12-05-09Z.snap.tmp", "x-2026-11-30T12-05-09Z.snap",
          "raft-snapshot-2026-13-30T12-05-09Z.snap", "raft-snapshot-2026-02-30T12-05-09Z.snap",
          "raft-snapshot-2026-11-30T24-05-09Z.snap", "raft-snapshot-.snap", "raft-snapshot-",
          "raft-snapshot-2026-11-30T12-05-0xZ.snap", "notes.txt"})
        EXPECT_FALSE(parse_snapshot_name(f, n)) << n;
    name_format agent{"raft_snapshot-", ".snap", timestamp_style::unix_nano};
    EXPECT_FALSE(parse_snapshot_name(agent, "raft_snapshot-12ab.snap"));
    EXPECT_FALSE(parse_snapshot_name(agent, "raft_snapshot--5.snap"));
}

std::vector<std::string> hourly(int n, system_time newest)
{
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i)
        names.push_back(snapshot_name(name_format{}, newest - hours(i)));
    return names;
}

TEST(snapshot_retention, keeps_the_newest_retain_and_ignores_foreign_names)
{
    const auto now = at(2026, 11, 30, 12);
    auto names = hourly(5, now);
    std::reverse(names.begin(), names.end());  // listing order must not matter
    names.push_back("notes.txt");
    names.push_back("raft-snapshot-garbage.snap");
    auto plan = plan_retention(names, name_format{}, retention{3, std::nullopt}, now);
    EXPECT_EQ(plan.keep, (std::vector<std::string>{hourly(5, now)[0], hourly(5, now)[1], hourly(5, now)[2]}));
    EXPECT_EQ(plan.remove, (std::vector<std::string>{hourly(5, now)[3], hourly(5, now)[4]}));
}

TEST(snapshot_retention, max_age_and_zero_retain)
{
    const auto now = at(2026, 11, 30, 12);
    const auto names = hourly(5, now);
    auto plan = plan_retention(names, name_format{}, retention{0, hours(2)}, now);
    EXPECT_EQ(plan.keep.size(), 3u);  // 0h, 1h and exactly 2h old
    EXPECT_EQ(plan.remove, (std::vector<std::string>{names[3], names[4]}));
    EXPECT_TRUE(plan_retention(names, name_format{}, retention{}, now).remove.empty());
    // Both limits: the stricter wins.
    EXPECT_EQ(plan_retention(names, name_format{}, retention{2, hours(3)}, now).keep.size(), 2u);
}

TEST(snapshot_retention, never_deletes_the_newest)
{
    const auto now = at(2026, 11, 30, 12);
    const auto names = hourly(3, now - hours(100));
    auto plan = plan_retention(names, name_format{}, retention{0, hours(1)}, now);
    EXPECT_EQ(plan.keep, (std::vector<std::string>{names[0]}));
    EXPECT_EQ(plan.remove.size(), 2u);
}

}  // namespace
}  // namespace vk::snapshot
