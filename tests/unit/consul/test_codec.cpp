// Consul wire helpers: base64, key/query encoding, entry/keys/session decoding, error mapping, index rules.
#include <gtest/gtest.h>

#include "consul/model/codec.hpp"

namespace {
using namespace vk::consul;

TEST(consul_codec, base64_round_trips_every_length)
{
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("test"), "dGVzdA==");
    std::string binary;
    for (int i = 0; i < 256; ++i)
        binary += static_cast<char>(i);
    for (std::size_t n = 0; n < binary.size(); n += 17)
        EXPECT_EQ(base64_decode(base64_encode(binary.substr(0, n))), binary.substr(0, n));
}

TEST(consul_codec, base64_rejects_garbage)
{
    EXPECT_FALSE(base64_decode("abc"));       // length not a multiple of 4
    EXPECT_FALSE(base64_decode("ab!d"));      // outside the alphabet
    EXPECT_FALSE(base64_decode("a=bc"));      // padding in the middle
    EXPECT_FALSE(base64_decode("Zg==Zg=="));  // padding before the end
}

TEST(consul_codec, keys_keep_slashes_and_escape_the_rest)
{
    EXPECT_EQ(encode_key("web/cfg-1_a.b~"), "web/cfg-1_a.b~");
    EXPECT_EQ(encode_key("a b/c?d#e%"), "a%20b/c%3Fd%23e%25");
    EXPECT_EQ(encode_query_value("a/b c"), "a%2Fb%20c");
    EXPECT_EQ(go_millis(std::chrono::seconds(15)), "15000ms");
}

TEST(consul_codec, decodes_entries_with_and_without_value_and_session)
{
    auto r = decode_entries(R"([{"LockIndex":1,"Key":"web/cfg","Flags":42,"Value":"dGVzdA==","Session":"s-1",
        "CreateIndex":100,"ModifyIndex":200},{"LockIndex":0,"Key":"web/empty","Flags":0,"Value":null,
        "CreateIndex":5,"ModifyIndex":6}])");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].key, "web/cfg");
    EXPECT_EQ((*r)[0].value, "test");
    EXPECT_EQ((*r)[0].flags, 42u);
    EXPECT_EQ((*r)[0].session, "s-1");
    EXPECT_EQ((*r)[0].lock_index, 1u);
    EXPECT_EQ((*r)[0].create_index, 100u);
    EXPECT_EQ((*r)[0].modify_index, 200u);
    EXPECT_EQ((*r)[1].value, "");
    EXPECT_EQ((*r)[1].session, "");
}

TEST(consul_codec, large_flags_survive)
{
    auto r = decode_entries(R"([{"Key":"k","Flags":3304740253564472344,"Value":null}])");
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].flags, 0x2ddccbc058a50c18ULL);
}

TEST(consul_codec, malformed_answers_are_bad_response)
{
    EXPECT_EQ(decode_entries("{}").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_entries("not json").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_entries(R"([{"Key":"k","Value":"%%%%"}])").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_keys(R"(["a",1])").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_bool("\"true\"").error().code, vk::errc::bad_response);
    EXPECT_EQ(decode_session_id("{}").error().code, vk::errc::bad_response);
}

TEST(consul_codec, decodes_keys_bools_and_sessions)
{
    EXPECT_EQ(*decode_keys(R"(["/web/bar","/web/subdir/"])"),
              (std::vector<std::string>{"/web/bar", "/web/subdir/"}));
    EXPECT_TRUE(*decode_bool("true"));
    EXPECT_FALSE(*decode_bool("false\n"));
    EXPECT_EQ(*decode_session_id(R"({"ID":"adf4238a-882b"})"), "adf4238a-882b");
    auto s = decode_sessions(R"([{"ID":"s1","Name":"n","Node":"node","LockDelay":15000000000,
        "Behavior":"release","TTL":"30s"}])");
    ASSERT_TRUE(s);
    ASSERT_EQ(s->size(), 1u);
    EXPECT_EQ((*s)[0].id, "s1");
    EXPECT_EQ((*s)[0].ttl, "30s");
    EXPECT_EQ((*s)[0].lock_delay, std::chrono::seconds(15));
    EXPECT_TRUE(decode_sessions("[]")->empty());
    EXPECT_TRUE(decode_sessions("null")->empty());
}

TEST(consul_codec, index_header_parsing)
{
    EXPECT_EQ(parse_index(std::string_view("123")), 123u);
    EXPECT_FALSE(parse_index(std::nullopt));
    EXPECT_FALSE(parse_index(std::string_view("")));
    EXPECT_FALSE(parse_index(std::string_view("12a")));
}

TEST(consul_codec, blocking_index_rules)
{
    EXPECT_EQ(next_blocking_index(0, 10), 10u);
    EXPECT_EQ(next_blocking_index(10, 12), 12u);
    EXPECT_EQ(next_blocking_index(10, 10), 10u);
    EXPECT_EQ(next_blocking_index(10, 4), 0u);  // went backwards: start over
    EXPECT_EQ(next_blocking_index(0, 0), 1u);   // below 1: treated as 1
}

TEST(consul_codec, error_mapping_keeps_the_text)
{
    struct case_
    {
        unsigned status;
        vk::errc code;
    };
    for (auto [status, code] : {case_{403, vk::errc::permission_denied}, case_{404, vk::errc::not_found},
                                case_{409, vk::errc::conflict}, case_{413, vk::errc::too_large},
                                case_{429, vk::errc::rate_limited}, case_{500, vk::errc::server_error},
                                case_{503, vk::errc::server_error}, case_{400, vk::errc::bad_request}})
    {
        auto e = map_error(status, "  Permission denied \n second line", "web/cfg");
        EXPECT_EQ(e.code, code) << status;
        EXPECT_EQ(e.status, status);
        EXPECT_EQ(e.path, "web/cfg");
        EXPECT_EQ(e.message, "Consul answered " + std::to_string(status) + ": Permission denied");
    }
    EXPECT_EQ(map_error(404, "", "k").message, "Consul answered 404");
    EXPECT_EQ(map_error(500, std::string(1000, 'x'), "k").message.size(),
              std::string("Consul answered 500: ").size() + 200);
}

}  // namespace
