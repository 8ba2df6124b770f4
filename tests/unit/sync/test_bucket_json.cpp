// Bucket JSON: Go json.Marshal bytes for §2.2's examples, round trips, and strict decoding errors.
#include "sync/model/bucket_json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

using namespace vk::sync;

TEST(sync_bucket_json, section_2_2_examples_encode_byte_for_byte)
{
    EXPECT_EQ(encode_bucket({}), "{}");
    EXPECT_EQ(
        encode_bucket({{"secret/data/team1/db", {3, "2021-06-02T21:36:12.123456789Z", "kvV2"}}}),
        R"({"secret/data/team1/db":{"version":3,"updateTime":"2021-06-02T21:36:12.123456789Z","type":"kvV2"}})");
    EXPECT_EQ(encode_bucket({{"b", {1, "t", "kvV2"}}, {"a&<>", {2, "u", "kvV2"}}}),
              R"({"a\u0026\u003c\u003e":{"version":2,"updateTime":"u","type":"kvV2"},)"
              R"("b":{"version":1,"updateTime":"t","type":"kvV2"}})");
}

TEST(sync_bucket_json, round_trips_escaped_keys)
{
    bucket b{{"secret/data/a&b", {9, "2021-01-01T00:00:00Z", "kvV2"}},
             {"secret/data/\u2028x\"y\\", {-1, "", ""}},
             {"secret/data/ü", {9223372036854775807, "z", "kvV1"}}};
    auto back = decode_bucket(encode_bucket(b), "vsync/origin/0");
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, b);
}

TEST(sync_bucket_json, decoding_is_tolerant_of_order_case_unknown_fields_and_nulls)
{
    auto b = decode_bucket(R"({"p":{"type":"kvV2","extra":[1],"UpdateTime":"t","version":4},"q":null,)"
                           R"("r":{"version":null}})",
                           "k");
    ASSERT_TRUE(b) << b.error().describe();
    EXPECT_EQ(b->find("p")->owned(), (insight{4, "t", "kvV2"}));
    EXPECT_EQ(b->find("q")->owned(), insight{});
    EXPECT_EQ(b->find("r")->owned(), insight{});
    auto n = decode_bucket("null", "k");
    ASSERT_TRUE(n);
    EXPECT_TRUE(n->empty());
}

TEST(sync_bucket_json, decoding_errors_name_key_and_entry)
{
    auto bad_version = decode_bucket(R"({"secret/data/x":{"version":"3"}})", "vsync/origin/7");
    ASSERT_FALSE(bad_version);
    EXPECT_EQ(bad_version.error().code, vk::errc::bad_response);
    EXPECT_EQ(bad_version.error().path, "vsync/origin/7");
    EXPECT_NE(bad_version.error().message.find("secret/data/x"), std::string::npos);
    EXPECT_NE(bad_version.error().message.find("version"), std::string::npos);

    EXPECT_FALSE(decode_bucket(R"({"x":{"version":3.5}})", "k"));
    EXPECT_FALSE(decode_bucket(R"({"x":{"version":18446744073709551615}})", "k"));
    EXPECT_FALSE(decode_bucket(R"({"x":{"updateTime":5}})", "k"));
    EXPECT_FALSE(decode_bucket(R"({"x":{"type":true}})", "k"));
    EXPECT_FALSE(decode_bucket(R"({"x":[1]})", "k"));
    EXPECT_FALSE(decode_bucket(R"([])", "k"));
    auto garbage = decode_bucket("{", "vsync/origin/2");
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().path, "vsync/origin/2");
}

// The size a reindex records is counted, never encoded: it must be the encoding's size byte for byte.
TEST(sync_bucket_json, the_counted_size_is_the_encoded_size)
{
    const std::string odd[] = {"plain",
                               "a&b<c>",
                               "quote\"back\\slash",
                               "tab\tnl\ncr\r",
                               std::string("nul\0x", 5),
                               "é ü \u2028 \u2029",
                               "bad \xff\xfe utf8",
                               "\xe2\x82",
                               ""};
    bucket b;
    EXPECT_EQ(bucket_json_size(b), encode_bucket(b).size());
    const std::int64_t versions[] = {-3, 0, 7, 1234567890123, INT64_MIN, INT64_MAX};
    std::size_t k = 0;
    for (const auto& p : odd)
        for (const auto& t : odd)
            b.put("secret/data/" + p + "/" + t, {versions[k++ % 6], t, p.empty() ? "kvV2" : p});
    EXPECT_EQ(bucket_json_size(b), encode_bucket(b).size());
}

// Canonical values (what Go and we write) are read without a DOM; every near miss must decode exactly as the
// tolerant decoder does (the same insights, or an error): a space, another field order, an escape, non-ASCII
// text, numbers JSON or int64 refuse, trailing bytes.
TEST(sync_bucket_json, the_canonical_fast_path_decodes_like_the_tolerant_decoder)
{
    bucket many;
    for (int i = 0; i < 500; ++i)
        many.put("secret/data/app" + std::to_string(i % 37) + "/key" + std::to_string(i),
                 {i * 7919 - 1000, "2024-0" + std::to_string(1 + i % 9) + "-01T00:00:00.5Z", "kvV2"});
    auto back = decode_bucket(encode_bucket(many), "k");
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, many);
    EXPECT_EQ(back->text_bytes(), many.text_bytes());

    const insight v{3, "t", "kvV2"};
    const std::pair<const char*, std::optional<insight>> cases[] = {
        {R"({"p":{"version":3,"updateTime":"t","type":"kvV2"}})", v},
        {R"({ "p":{"version":3,"updateTime":"t","type":"kvV2"}})", v},
        {R"({"p": {"version":3,"updateTime":"t","type":"kvV2"}})", v},
        {R"({"p":{"version":3,"updateTime":"t","type":"kvV2"}} )", v},
        {R"({"p":{"type":"kvV2","version":3,"updateTime":"t"}})", v},
        {R"({"p":{"version":3,"updateTime":"t","type":"kvV2","x":1}})", v},
        {R"({"p":{"version":3,"updateTime":"\u0074","type":"kvV2"}})", v},
        {R"({"p":{"version":3,"updateTime":"t","type":"kvV2"},"p":{"version":3,"updateTime":"t","type":"kvV2"}})",
         v},
        {R"({"p":{"version":03,"updateTime":"t","type":"kvV2"}})", std::nullopt},
        {R"({"p":{"version":3.0,"updateTime":"t","type":"kvV2"}})", std::nullopt},
        {R"({"p":{"version":3e0,"updateTime":"t","type":"kvV2"}})", std::nullopt},
        {R"({"p":{"version":9223372036854775808,"updateTime":"t","type":"kvV2"}})", std::nullopt},
        {R"({"p":{"version":-,"updateTime":"t","type":"kvV2"}})", std::nullopt},
        {R"({"p":{"version":3,"updateTime":"t","type":"kvV2"}}x)", std::nullopt},
        {R"({"p":{"version":3,"updateTime":"t","type":"kvV2"},})", std::nullopt},
        {"{\"p\":{\"version\":3,\"updateTime\":\"t\x01\",\"type\":\"kvV2\"}}", std::nullopt},
        {"{\"p\":{\"version\":3,\"updateTime\":\"t\xff\",\"type\":\"kvV2\"}}", std::nullopt},
    };
    for (const auto& [json, expected] : cases)
    {
        auto b = decode_bucket(json, "k");
        if (!expected)
        {
            EXPECT_FALSE(b) << json;
            continue;
        }
        ASSERT_TRUE(b) << json << ": " << b.error().describe();
        ASSERT_EQ(b->size(), 1u) << json;
        EXPECT_EQ(b->find("p")->owned(), *expected) << json;
    }
    auto min = decode_bucket(R"({"p":{"version":-9223372036854775808,"updateTime":"","type":""}})", "k");
    ASSERT_TRUE(min);
    EXPECT_EQ(min->find("p")->version, INT64_MIN);
    auto utf8 = decode_bucket("{\"p\xc3\xbc\":{\"version\":1,\"updateTime\":\"t\",\"type\":\"kvV2\"}}", "k");
    ASSERT_TRUE(utf8);
    EXPECT_TRUE(utf8->contains("p\xc3\xbc"));
    const std::string long_time(max_insight_text + 1, 't');
    EXPECT_FALSE(
        decode_bucket(R"({"p":{"version":1,"updateTime":")" + long_time + R"(","type":"kvV2"}})", "k"));
}
