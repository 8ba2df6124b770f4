// KV v1 content-hash insights: canonical JSON, stability, and how the diff treats them.
#include "sync/model/kv_v1.hpp"

#include "sync/model/diff.hpp"
#include "sync/model/digest.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace vk::sync;

TEST(sync_kv_v1, canonical_json_sorts_keys_and_is_compact)
{
    auto v = boost::json::parse(R"({ "b": [1, {"z":true,"a":null}], "a": "x<y", "c": -3 })");
    EXPECT_EQ(canonical_json(v), R"({"a":"x\u003cy","b":[1,{"a":null,"z":true}],"c":-3})");
}

TEST(sync_kv_v1, insight_is_a_stable_content_hash)
{
    auto a = kv_v1_insight(boost::json::parse(R"({"user":"u","pass":"p"})"));
    auto b = kv_v1_insight(boost::json::parse(R"({"pass":"p","user":"u"})"));
    auto c = kv_v1_insight(boost::json::parse(R"({"pass":"q","user":"u"})"));
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_EQ(a.type, "kvV1");
    EXPECT_EQ(a.version, 0);
    EXPECT_EQ(a.update_time, "sha256:" + sha256_hex(R"({"pass":"p","user":"u"})"));
}

TEST(sync_kv_v1, diff_updates_kv_v1_whenever_the_hash_differs)
{
    std::vector<std::string> w;
    auto a = kv_v1_insight(boost::json::parse(R"({"k":1})"));
    auto b = kv_v1_insight(boost::json::parse(R"({"k":2})"));
    EXPECT_TRUE(needs_update("p", a, b, w));
    EXPECT_TRUE(needs_update("p", b, a, w));
    EXPECT_FALSE(needs_update("p", a, a, w));
    EXPECT_TRUE(w.empty());  // no time parsing for kvV1
    // A mount upgraded from v1 to v2 changes the type: update.
    EXPECT_TRUE(needs_update("p", insight{1, "2021-01-01T00:00:00Z", "kvV2"}, a, w));
}
