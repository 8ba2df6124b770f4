// Wire helpers: RFC3339Nano formatting like Go, Go duration strings, weak decoding, ids and envelopes.
#include <gtest/gtest.h>

#include <regex>

#include "vault_json.hpp"

namespace vsim {
namespace {

TEST(vault_json, rfc3339_nano_trims_like_go)
{
    EXPECT_EQ(rfc3339_nano(1521685446945319214), "2018-03-22T02:24:06.945319214Z");
    EXPECT_EQ(rfc3339_nano(1521685446500000000), "2018-03-22T02:24:06.5Z");
    EXPECT_EQ(rfc3339_nano(1521685446000000000), "2018-03-22T02:24:06Z");
    EXPECT_EQ(rfc3339_nano(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339_nano(951782400000000001), "2000-02-29T00:00:00.000000001Z");
}

TEST(vault_json, go_duration_strings)
{
    EXPECT_EQ(go_duration(0), "0s");
    EXPECT_EQ(go_duration(45), "45s");
    EXPECT_EQ(go_duration(90), "1m30s");
    EXPECT_EQ(go_duration(3600), "1h0m0s");
    EXPECT_EQ(go_duration(2764800), "768h0m0s");
}

TEST(vault_json, parse_seconds_accepts_vault_forms)
{
    EXPECT_EQ(parse_seconds(json::value(90)), 90);
    EXPECT_EQ(parse_seconds(json::value("90")), 90);
    EXPECT_EQ(parse_seconds(json::value("1h30m")), 5400);
    EXPECT_EQ(parse_seconds(json::value("768h")), 2764800);
    EXPECT_EQ(parse_seconds(json::value(nullptr)), 0);
    EXPECT_FALSE(parse_seconds(json::value("soon")));
    EXPECT_FALSE(parse_seconds(json::value("5x")));
}

TEST(vault_json, weak_decoding)
{
    EXPECT_EQ(weak_int(json::value("12")), 12);
    EXPECT_EQ(weak_int(json::value(3.0)), 3);
    EXPECT_FALSE(weak_int(json::value("1.5x")));
    EXPECT_EQ(weak_bool(json::value("true")), true);
    EXPECT_EQ(weak_bool(json::value(0)), false);
    EXPECT_FALSE(weak_bool(json::value("maybe")));
    auto list = weak_strings(json::value("a, b,c"));
    ASSERT_TRUE(list);
    EXPECT_EQ(*list, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_FALSE(weak_strings(json::value(json::array{1})));
}

TEST(vault_json, uuid_and_ids)
{
    std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    auto a = new_uuid(), b = new_uuid();
    EXPECT_TRUE(std::regex_match(a, uuid)) << a;
    EXPECT_NE(a, b);
    EXPECT_EQ(random_alnum(24).size(), 24u);
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(vault_json, envelopes)
{
    auto r = ok(json::object{{"a", 1}}, "kv");
    EXPECT_EQ(r.status, 200u);
    auto& o = r.body->as_object();
    for (auto k : {"request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings",
                   "auth", "mount_type"})
        EXPECT_TRUE(o.contains(k)) << k;
    auto s = ok_sys(json::object{{"x", 1}});
    EXPECT_EQ(s.body->as_object().at("x").as_int64(), 1);
    EXPECT_EQ(json::serialize(*error(400, {"bad"}).body), R"({"errors":["bad"]})");
    EXPECT_FALSE(no_content().body);
    EXPECT_EQ(list_response({}, "kv").status, 404u);
}

}  // namespace
}  // namespace vsim
