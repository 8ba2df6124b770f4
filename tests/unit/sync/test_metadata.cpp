// Origin metadata interpretation (skip reasons, malformed replies) and metadata -> data path rewriting.
#include "sync/model/metadata.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {
const char* live = R"({"data":{"current_version":3,"updated_time":"2021-06-02T21:36:12.123456789Z",
  "created_time":"2021-06-01T00:00:00Z","versions":{"2":{"deletion_time":"","destroyed":false},
  "3":{"created_time":"x","deletion_time":"","destroyed":false}}}})";
}

TEST(sync_metadata, live_secret_gives_its_insight)
{
    auto r = parse_metadata("secret/data/a", live);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->reason, skip_reason::none);
    ASSERT_TRUE(r->in);
    EXPECT_EQ(*r->in, (insight{3, "2021-06-02T21:36:12.123456789Z", "kvV2"}));
    // The bare data object works too.
    auto bare = parse_metadata("p", R"({"current_version":1,"updated_time":"t","versions":{"1":{}}})");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->in->version, 1);
}

TEST(sync_metadata, skip_reasons)
{
    const auto reason = [](const char* json) { return parse_metadata("p", json).value().reason; };
    EXPECT_EQ(
        reason(
            R"({"current_version":2,"updated_time":"t","versions":{"2":{"deletion_time":"2021-01-01T00:00:00Z","destroyed":false}}})"),
        skip_reason::deleted);
    EXPECT_EQ(
        reason(
            R"({"current_version":2,"updated_time":"t","versions":{"2":{"deletion_time":"","destroyed":true}}})"),
        skip_reason::destroyed);
    EXPECT_EQ(reason(R"({"current_version":0,"updated_time":"t","versions":{}})"),
              skip_reason::no_current_version);
    EXPECT_EQ(reason(R"({"current_version":4,"updated_time":"t","versions":{"3":{}}})"),
              skip_reason::missing_version_entry);
    EXPECT_EQ(reason(R"({"current_version":4,"updated_time":"t"})"), skip_reason::missing_version_entry);
    EXPECT_EQ(to_string(skip_reason::destroyed), "destroyed");
}

TEST(sync_metadata, malformed_replies_are_errors_naming_the_path)
{
    for (const char* json :
         {"", "[]", "{", R"({"data":null})", R"({"current_version":"3"})", R"({"current_version":1.5})",
          R"({"current_version":-1})", R"({"current_version":1,"versions":[]})",
          R"({"current_version":1,"versions":{"1":"x"}})",
          R"({"current_version":1,"updated_time":"t","versions":{"1":{"deletion_time":5}}})",
          R"({"current_version":1,"updated_time":"t","versions":{"1":{"destroyed":"no"}}})",
          R"({"current_version":1,"versions":{"1":{}}})",
          R"({"current_version":1,"updated_time":7,"versions":{"1":{}}})"})
    {
        auto r = parse_metadata("secret/data/odd", json);
        ASSERT_FALSE(r) << json;
        EXPECT_EQ(r.error().code, vk::errc::bad_response) << json;
        EXPECT_EQ(r.error().path, "secret/data/odd") << json;
    }
}

TEST(sync_metadata, data_path_replaces_only_the_mounts_metadata_segment)
{
    EXPECT_EQ(metadata_to_data_path("secret/", "secret/metadata/team/app").value(), "secret/data/team/app");
    EXPECT_EQ(metadata_to_data_path("secret", "secret/metadata/a").value(), "secret/data/a");
    // vsync's first-"/metadata" replace would break both of these.
    EXPECT_EQ(
        metadata_to_data_path("team/metadata-store/", "team/metadata-store/metadata/x/metadata/y").value(),
        "team/metadata-store/data/x/metadata/y");
    EXPECT_EQ(metadata_to_data_path("kv/", "kv/metadata/metadata").value(), "kv/data/metadata");
    EXPECT_FALSE(metadata_to_data_path("secret/", "secret/data/a"));
    EXPECT_FALSE(metadata_to_data_path("secret/", "secret/metadata/"));
    EXPECT_EQ(metadata_to_data_path("secret/", "other/metadata/a").error().code, vk::errc::invalid_argument);
}
