// The restore request body: every mistake named by its field's JSON pointer.
#include "snapshot/model/restore_request.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vk::snapshot {
namespace {

snapshot_settings with_disk()
{
    snapshot_settings s;
    s.storages.push_back(storage_settings{"disk", local_storage_settings{"disk", "/x"}, {}});
    return s;
}

std::string problem(const char* body)
{
    auto r = parse_restore_request(boost::json::parse(body), with_disk());
    EXPECT_FALSE(r) << body;
    if (r)
        return "";
    EXPECT_EQ(r.error().code, errc::bad_request);
    return r.error().message;
}

TEST(snapshot_restore_request, valid)
{
    auto r = parse_restore_request(boost::json::parse(R"({"storage":"disk","name":"a.snap","force":true})"),
                                   with_disk());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->storage, "disk");
    EXPECT_EQ(r->name, "a.snap");
    EXPECT_TRUE(r->force);
    EXPECT_FALSE(
        parse_restore_request(boost::json::parse(R"({"storage":"disk","name":"a"})"), with_disk())->force);
}

TEST(snapshot_restore_request, fields_named)
{
    EXPECT_NE(problem("[]").find("JSON object"), std::string::npos);
    EXPECT_EQ(problem(R"({"name":"a"})").rfind("/storage:", 0), 0u);
    EXPECT_NE(problem(R"({"storage":"s3","name":"a"})").find("/storage: no storage named \"s3\""),
              std::string::npos);
    EXPECT_EQ(problem(R"({"storage":"disk"})").rfind("/name:", 0), 0u);
    EXPECT_EQ(problem(R"({"storage":"disk","name":"../etc/x"})").rfind("/name:", 0), 0u);
    EXPECT_EQ(problem(R"({"storage":"disk","name":"a","force":1})").rfind("/force:", 0), 0u);
    EXPECT_EQ(problem(R"({"storage":"disk","name":"a","extra":1})").rfind("/extra:", 0), 0u);
    EXPECT_EQ(problem(R"({"storage":"disk","name":"a","dry_run":"yes"})").rfind("/dry_run:", 0), 0u);
}

TEST(snapshot_restore_request, a_drill_may_leave_out_the_storage_and_the_name)
{
    auto r = parse_restore_request(boost::json::parse(R"({"dry_run":true})"), with_disk());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->dry_run);
    EXPECT_EQ(r->storage, "disk");  // the job's first storage
    EXPECT_EQ(r->name, "");         // the newest one there
    r = parse_restore_request(boost::json::parse(R"({"dry_run":true,"storage":"disk","name":"a.snap"})"),
                              with_disk());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->name, "a.snap");
    EXPECT_EQ(problem(R"({"dry_run":true,"storage":"s3"})").rfind("/storage: no storage", 0), 0u);
    EXPECT_EQ(problem(R"({"dry_run":true,"name":""})").rfind("/name:", 0), 0u);
    // A restore names both: "restore whatever is newest" is never one careless call.
    EXPECT_EQ(problem(R"({"dry_run":false,"storage":"disk"})").rfind("/name: required", 0), 0u);
}

}  // namespace
}  // namespace vk::snapshot
