// Snapshot names and the retention decision.
#include "snapshot/model/naming.hpp"
#include "snapshot/model/retention.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>

namespace vk::snapshot {
namespace {

using namespace std::chrono;

system_time at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0)
{
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(snapshot_naming, utc_names_round_trip_to_the_millisecond)
{
    name_format f;
    const auto t = at(2026, 11, 30, 12, 5, 9) + milliseconds(7);
    EXPECT_EQ(snapshot_name(f, t + microseconds(900)), "raft-snapshot-2026-11-30T12-05-09.007Z.snap");
    EXPECT_EQ(parse_snapshot_name(f, "raft-snapshot-2026-11-30T12-05-09.007Z.snap"), t);
    EXPECT_EQ(snapshot_name(f, at(1999, 1, 2)), "raft-snapshot-1999-01-02T00-00-00.000Z.snap");
}

TEST(snapshot_naming, whole_second_names_of_earlier_versions_still_parse)
{
    name_format f;
    EXPECT_EQ(parse_snapshot_name(f, "raft-snapshot-2026-11-30T12-05-09Z.snap"), at(2026, 11, 30, 12, 5, 9));
}

// Six cycles within one second gave three names before: every cycle overwrote another's snapshot.
TEST(snapshot_naming, names_are_unique_and_sorted_at_any_rate)
{
    for (const auto& f : {name_format{}, name_format{"raft_snapshot-", ".snap", timestamp_style::unix_nano}})
    {
        const auto now = at(2026, 11, 30, 12) + microseconds(1500);
        std::optional<system_time> previous;
        std::vector<std::string> names;
        for (int i = 0; i < 2000; ++i)
        {
            // The clock barely moves (or steps back a little) between cycles.
            const auto t = next_name_time(f.style, now + nanoseconds(i % 3) - nanoseconds(i % 7), previous);
            EXPECT_TRUE(!previous || t > *previous);
            previous = t;
            names.push_back(snapshot_name(f, t));
            EXPECT_EQ(parse_snapshot_name(f, names.back()), t) << names.back();
        }
        EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
        EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
    }
}

TEST(snapshot_naming, next_name_time_keeps_the_clock_when_it_moved_on)
{
    const auto now = at(2026, 11, 30, 12) + microseconds(1500);
    EXPECT_EQ(next_name_time(timestamp_style::utc, now, std::nullopt),
              at(2026, 11, 30, 12) + milliseconds(1));
    EXPECT_EQ(next_name_time(timestamp_style::utc, now, now - seconds(5)),
              at(2026, 11, 30, 12) + milliseconds(1));
    const auto named = at(2026, 11, 30, 12) + milliseconds(1);
    EXPECT_EQ(next_name_time(timestamp_style::utc, now, named), at(2026, 11, 30, 12) + milliseconds(2));
    EXPECT_EQ(next_name_time(timestamp_style::utc, now, named + milliseconds(5)), named + milliseconds(6));
    EXPECT_EQ(next_name_time(timestamp_style::unix_nano, now, std::nullopt), now);
    EXPECT_EQ(next_name_time(timestamp_style::unix_nano, now, now), now + nanoseconds(1));
}

TEST(snapshot_naming, agent_names_parse_with_the_lucretius_format)
{
    // The agent's own names and ours in its format are the same shape: prefix, decimal nanoseconds, suffix.
    name_format agent{"raft_snapshot-", ".snap", timestamp_style::unix_nano};
    const auto ours = snapshot_name(agent, next_name_time(agent.style, at(2026, 1, 1), at(2026, 1, 1)));
    EXPECT_EQ(ours, "raft_snapshot-1767225600000000001.snap");
    EXPECT_TRUE(parse_snapshot_name(agent, ours));
}

TEST(snapshot_naming, newest_first_orders_by_the_time_in_the_name)
{
    name_format f;
    const std::vector<std::string> names{
        "raft-snapshot-2026-11-30T12-00-00Z.snap", "notes.txt", "raft-snapshot-2026-11-30T12-00-00.500Z.snap",
        "raft-snapshot-2026-11-30T11-59-59.999Z.snap", "raft-snapshot-2026-11-30T12-00-00.001Z.snap"};
    EXPECT_EQ(newest_first(names, f), (std::vector<std::size_t>{2, 4, 0, 3}));
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
          "raft-snapshot-2026-11-30T12-05-0xZ.snap", "raft-snapshot-2026-11-30T12--5-09Z.snap",
          "raft-snapshot-2026-11-30T12-05-09.1Z.snap", "raft-snapshot-2026-11-30T12-05-09.12xZ.snap",
          "raft-snapshot-2026-11-30T12-05-09,123Z.snap", "notes.txt"})
        EXPECT_FALSE(parse_snapshot_name(f, n)) << n;
    name_format agent{"raft_snapshot-", ".snap", timestamp_style::unix_nano};
    EXPECT_FALSE(parse_snapshot_name(agent, "raft_snapshot-12ab.snap"));
    EXPECT_FALSE(parse_snapshot_name(agent, "raft_snapshot--5.snap"));
    EXPECT_FALSE(parse_snapshot_name(agent, "raft_snapshot-+5.snap"));
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
