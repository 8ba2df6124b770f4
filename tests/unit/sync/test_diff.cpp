// vsync's Compare truth table (vsync.md §2.5, §6 case 3) and the deletion guard.
#include "sync/model/diff.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {

sync_info make(std::initializer_list<std::pair<const char*, insight>> entries, std::size_t n = 3)
{
    auto info = sync_info::create(n).value();
    for (const auto& [p, in] : entries)
        info.put(p, in);
    info.reindex();
    return info;
}

insight v2(std::int64_t v, const char* t)
{
    return {v, t, "kvV2"};
}

// Where `info` holds the text of `path` (nullptr when absent).
const char* held_path(const sync_info& info, std::string_view path)
{
    for (std::size_t b = 0; b < info.bucket_count(); ++b)
        for (const auto& [p, in] : info.bucket_at(b))
            if (p == path)
                return p.data();
    return nullptr;
}

std::vector<std::string> paths(const std::vector<task>& ts)
{
    std::vector<std::string> out;
    for (const auto& t : ts)
        out.emplace_back(t.path);
    return out;
}

}  // namespace

TEST(sync_diff, truth_table)
{
    const char* t1 = "2021-06-01T10:00:00Z";
    const char* t2 = "2021-06-01T10:00:00.5Z";
    auto origin = make({{"s/data/add", v2(1, t1)},
                        {"s/data/by_version", v2(3, t1)},
                        {"s/data/by_type", v2(1, t1)},
                        {"s/data/by_time", v2(1, t2)},
                        {"s/data/older", v2(1, t1)},
                        {"s/data/same", v2(4, t1)}});
    auto dest = make({{"s/data/by_version", v2(2, t1)},
                      {"s/data/by_type", {1, t1, "kvV1"}},
                      {"s/data/by_time", v2(5, t1)},
                      {"s/data/older", v2(1, t2)},
                      {"s/data/same", v2(4, t1)},
                      {"s/data/gone", v2(1, t1)}});
    auto d = compare(origin, dest);
    ASSERT_TRUE(d) << d.error().describe();
    EXPECT_EQ(paths(d->add), std::vector<std::string>{"s/data/add"});
    EXPECT_EQ(paths(d->update),
              (std::vector<std::string>{"s/data/by_time", "s/data/by_type", "s/data/by_version"}));
    EXPECT_EQ(paths(d->remove), std::vector<std::string>{"s/data/gone"});
    EXPECT_EQ(d->add[0], (task{"s/data/add", task_op::add}));
    // Add and update paths view the origin info, delete paths the diff's own storage.
    EXPECT_EQ(d->update[2].path.data(), held_path(origin, "s/data/by_version"));
    EXPECT_EQ(d->add[0].path.data(), held_path(origin, "s/data/add"));
    ASSERT_EQ(d->removed_paths.size(), 1u);
    EXPECT_EQ(d->remove[0].path.data(), d->removed_paths.front().data());
    EXPECT_TRUE(d->warnings.empty());
    EXPECT_EQ(to_string(task_op::remove), "delete");
}

TEST(sync_diff, identical_infos_have_no_tasks_and_one_change_one_task)
{
    auto origin = make({{"secret/data/foo", v2(2, "x")}, {"secret/data/bar", v2(1, "y")}}, 3);
    EXPECT_TRUE(compare(origin, origin)->empty());
    auto dest = make({{"secret/data/foo", v2(1, "x")}, {"secret/data/bar", v2(1, "y")}}, 3);
    auto d = compare(origin, dest);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->size(), 1u);
    EXPECT_EQ(d->update.at(0).path, "secret/data/foo");
}

TEST(sync_diff, index_length_mismatch_and_unindexed_info_are_errors)
{
    auto a = make({}, 3);
    auto b = make({}, 4);
    auto r = compare(a, b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::invalid_argument);
    auto dirty = make({}, 3);
    dirty.put("x", v2(1, "t"));
    EXPECT_FALSE(compare(a, dirty));
}

TEST(sync_diff, unparsable_times_are_zero_time_with_warnings)
{
    std::vector<std::string> w;
    // Origin unparsable (zero time) is never after a parsed destination time.
    EXPECT_FALSE(needs_update("p", v2(1, "garbage"), v2(1, "2021-01-01T00:00:00Z"), w));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("p"), std::string::npos);
    w.clear();
    // Destination unparsable: origin's parsed time is after the zero time.
    EXPECT_TRUE(needs_update("p", v2(1, "2021-01-01T00:00:00Z"), v2(1, ""), w));
    EXPECT_EQ(w.size(), 1u);
    w.clear();
    // Equal insights never parse anything.
    EXPECT_FALSE(needs_update("p", v2(1, "garbage"), v2(1, "garbage"), w));
    EXPECT_TRUE(w.empty());
    // Offsets are honoured: 12:00+02:00 is before 11:00Z.
    EXPECT_FALSE(needs_update("p", v2(1, "2021-01-01T12:00:00+02:00"), v2(1, "2021-01-01T11:00:00Z"), w));
}

TEST(sync_diff, tasks_are_sorted_across_buckets)
{
    auto origin = make({{"d", v2(1, "t")}, {"a", v2(1, "t")}, {"c", v2(1, "t")}, {"b", v2(1, "t")}}, 5);
    auto dest = make({}, 5);
    EXPECT_EQ(paths(compare(origin, dest)->add), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(sync_diff, deletion_guard_holds_above_the_percentage)
{
    EXPECT_FALSE(guard_deletes(0, 0).hold);
    EXPECT_FALSE(guard_deletes(20, 100).hold);  // exactly 20% is allowed
    auto g = guard_deletes(21, 100);
    EXPECT_TRUE(g.hold);
    EXPECT_DOUBLE_EQ(g.percent, 21.0);
    EXPECT_TRUE(guard_deletes(1, 0).hold);
    EXPECT_FALSE(guard_deletes(50, 100, 50.0).hold);
    EXPECT_TRUE(guard_deletes(51, 100, 50.0).hold);
}

// The steps a shell yields between give compare()'s tasks, in bucket order until sorted.
TEST(sync_diff, the_steps_give_what_compare_gives)
{
    auto origin = sync_info::create(7).value();
    auto dest = sync_info::create(7).value();
    for (int i = 0; i < 300; ++i)
    {
        const std::string p = "s/data/" + std::to_string(i);
        if (i % 3 != 0)
            origin.put(p, v2(i % 5 == 0 ? 2 : 1, "2021-06-01T10:00:00Z"));
        if (i % 4 != 0)
            dest.put(p, v2(1, "2021-06-01T10:00:00Z"));
    }
    origin.reindex();
    dest.reindex();
    ASSERT_TRUE(check_comparable(origin, dest));
    diff_result stepped = begin_diff(origin, dest);
    for (std::size_t i = 0; i < origin.bucket_count(); ++i)
        if (bucket_differs(origin, dest, i))
            compare_buckets(origin.bucket_at(i), dest.bucket_at(i), stepped);
    sort_diff(stepped);
    const auto whole = compare(origin, dest).value();
    EXPECT_EQ(paths(stepped.add), paths(whole.add));
    EXPECT_EQ(paths(stepped.update), paths(whole.update));
    EXPECT_EQ(paths(stepped.remove), paths(whole.remove));
    EXPECT_FALSE(whole.add.empty() || whole.update.empty() || whole.remove.empty());
    dest.put("s/data/new", v2(1, "t"));
    EXPECT_FALSE(check_comparable(origin, dest)) << "an info with changes not reindexed";
}
