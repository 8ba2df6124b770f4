// Go fmt.Sprint index hashes and json string escaping, pinned to vsync.md §2.2-§2.3 vectors.
#include "sync/model/go_format.hpp"

#include "sync/model/digest.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {
std::string json_str(std::string_view s)
{
    std::string out;
    append_go_json_string(out, s);
    return out;
}
}  // namespace

TEST(sync_go_format, empty_bucket_prints_map_brackets_and_hashes_to_vsync_initial_hash)
{
    EXPECT_EQ(go_sprint({}), "map[]");
    EXPECT_EQ(sha256_hex("map[]"), empty_bucket_hash);
    EXPECT_EQ(bucket_hash({}), "52133ddfcd583280388a8bbfb67a417b6b660f75bc63ec1b01beec811d4498ef");
}

TEST(sync_go_format, single_entry_vector_of_section_2_3)
{
    bucket b{{"secret/data/team1/db", {3, "2021-06-02T21:36:12.123456789Z", "kvV2"}}};
    EXPECT_EQ(go_sprint(b), "map[secret/data/team1/db:{3 2021-06-02T21:36:12.123456789Z kvV2}]");
    EXPECT_EQ(bucket_hash(b), "2bf64a6586d7813c2bf685ff2d1696c5a96918f0854f8436937ef34166a5ae17");
}

TEST(sync_go_format, two_entry_vector_of_section_2_3)
{
    bucket b{{"secret/data/platform/env/app2", {1, "2019-05-14T23:41:52.736990492Z", "kvV2"}},
             {"secret/data/platform/env/app1", {3, "2019-05-14T23:41:52.904927369Z", "kvV2"}}};
    EXPECT_EQ(go_sprint(b), "map[secret/data/platform/env/app1:{3 2019-05-14T23:41:52.904927369Z kvV2} "
                            "secret/data/platform/env/app2:{1 2019-05-14T23:41:52.736990492Z kvV2}]");
    EXPECT_EQ(bucket_hash(b), "ad20c7cf9423c28628b8726af1b328a3e77caf4f05db22bb82eb515637f08dfe");
}

TEST(sync_go_format, section_2_2_bucket_hashes)
{
    EXPECT_EQ(bucket_hash({{"secret/data/bar", {1, "2021-06-01T10:00:00.5Z", "kvV2"}}}),
              "a40e9a6826001fe519609ce4845e10f2e25fbcfe4786ff24e9002ec8f7196f44");
    EXPECT_EQ(bucket_hash({{"secret/data/app/prod", {7, "2021-05-30T08:15:42.000000001Z", "kvV2"}}}),
              "57a3f11c9dedab5a45c5de088798c2b566c00a143f65ae84738b21ae4dda8382");
}

TEST(sync_go_format, keys_sort_bytewise_and_zero_insight_prints_two_spaces)
{
    bucket b{{"a", {2, "u", "kvV2"}}, {"B", {1, "t", "kvV2"}}, {"A b", {3, "v", "kvV2"}}};
    EXPECT_EQ(go_sprint(b), "map[A b:{3 v kvV2} B:{1 t kvV2} a:{2 u kvV2}]");
    EXPECT_EQ(go_sprint({{"k", {}}}), "map[k:{0  }]");
    EXPECT_EQ(go_sprint({{"k", {-5, "", "x"}}}), "map[k:{-5  x}]");
    // Bytes >= 0x80 sort after ASCII, as Go compares strings bytewise.
    EXPECT_EQ(go_sprint({{"\xc3\xa9", {}}, {"z", {}}}), "map[z:{0  } \xc3\xa9:{0  }]");
}

TEST(sync_go_format, json_strings_are_html_escaped_like_go)
{
    EXPECT_EQ(json_str("a&b<c>d"), R"("a\u0026b\u003cc\u003ed")");
    EXPECT_EQ(json_str("q\"b\\"), R"("q\"b\\")");
    EXPECT_EQ(json_str("\n\r\t"), R"("\n\r\t")");
    EXPECT_EQ(json_str(std::string_view("\x00\x01\x08\x0c\x1f", 5)), R"("\u0000\u0001\u0008\u000c\u001f")");
    EXPECT_EQ(json_str("\x7f/é"), "\"\x7f/é\"");
}

TEST(sync_go_format, json_strings_escape_line_separators_and_invalid_utf8)
{
    EXPECT_EQ(json_str("a\u2028b\u2029c"), R"("a\u2028b\u2029c")");
    EXPECT_EQ(json_str("\xff"), R"("\ufffd")");
    EXPECT_EQ(json_str("a\xc3"), R"("a\ufffd")");                              // truncated sequence
    EXPECT_EQ(json_str("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong: each byte replaced
    EXPECT_EQ(json_str("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");            // surrogate
    EXPECT_EQ(json_str("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
    EXPECT_EQ(json_str("\xef\xbf\xbd\xf0\x9f\x94\x91"),
              "\"\xef\xbf\xbd\xf0\x9f\x94\x91\"");  // valid, verbatim
}
