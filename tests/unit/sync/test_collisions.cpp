// Issue 10, "smaller defects", point 1: two origin paths that transform to one destination path are an
// error naming both, neither is copied over the other, and the delete of one never removes the destination
// secret the other still feeds.
#include "sync/model/collisions.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {

const insight live{1, "2024-01-01T00:00:00Z", "kvV2"};

// "secret/data/<team>/<app>" -> "west/data/<app>": two teams with the same app name collide.
transform_pack flatten()
{
    std::vector<transform_config> c{{"flatten", "secret/data/(?P<team>[^/]+)/(?P<app>.+)", "west/data/app"}};
    return transform_pack::compile(c).value();
}

sync_info origin_with(std::initializer_list<const char*> paths)
{
    auto info = sync_info::create(4).value();
    for (const char* p : paths)
        info.put(p, live);
    return info;
}

task add(const char* path)
{
    return {path, task_op::add};
}

task removal(const char* path)
{
    return {path, task_op::remove};
}

}  // namespace

TEST(sync_collisions, two_origin_paths_to_one_destination_are_an_error_naming_both)
{
    auto origin = origin_with({"secret/data/a/db", "secret/data/b/db", "secret/data/a/web"});
    std::vector<task> run{add("secret/data/a/db"), add("secret/data/a/web"), add("secret/data/b/db")};
    auto check = guard_collisions(run, origin, flatten());
    ASSERT_EQ(check.collisions.size(), 1u);
    EXPECT_EQ(check.collisions[0], (path_collision{"west/data/db", "secret/data/a/db", "secret/data/b/db"}));
    auto e = describe(check.collisions[0]);
    EXPECT_EQ(e.code, vk::errc::conflict);
    EXPECT_NE(e.describe().find("secret/data/a/db"), std::string::npos);
    EXPECT_NE(e.describe().find("secret/data/b/db"), std::string::npos);
    // Neither colliding path is copied; the rest is.
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(run[0].path, "secret/data/a/web");
    EXPECT_EQ(check.dropped_copies, 2u);
}

TEST(sync_collisions, a_delete_never_removes_a_destination_another_path_still_feeds)
{
    // a/db was deleted at the origin; b/db (live) maps to the same west/data/db.
    auto origin = origin_with({"secret/data/b/db"});
    std::vector<task> run{removal("secret/data/a/db"), removal("secret/data/a/gone")};
    auto check = guard_collisions(run, origin, flatten());
    EXPECT_TRUE(check.collisions.empty());
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(run[0].path, "secret/data/a/gone");
    EXPECT_EQ(check.forget, std::vector<std::string>{"secret/data/a/db"});
}

TEST(sync_collisions, the_identity_alone_never_collides)
{
    auto origin = origin_with({"secret/data/a/db"});
    std::vector<task> run{add("secret/data/a/db"), removal("secret/data/a/db2")};
    auto none = transform_pack::compile({}).value();
    auto check = guard_collisions(run, origin, none);
    EXPECT_TRUE(check.collisions.empty());
    EXPECT_EQ(run.size(), 2u);
}
