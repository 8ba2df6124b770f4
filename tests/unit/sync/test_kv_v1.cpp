// KV v1 keyed content-hash insights: canonical JSON, stability, the HMAC (issue 10, "smaller defects",
// point 2: no unsalted hash in Consul), the start-up key rule, and how the diff treats them.
#include "sync/model/kv_v1.hpp"

#include "sync/model/diff.hpp"
#include "sync/model/digest.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace vk::sync;

namespace {

const vk::secret key("insight-key-0123456789");

insight v1(const char* json)
{
    return kv_v1_insight(boost::json::parse(json), key);
}

}  // namespace

TEST(sync_kv_v1, canonical_json_sorts_keys_and_is_compact)
{
    auto v = boost::json::parse(R"({ "b": [1, {"z":true,"a":null}], "a": "x<y", "c": -3 })");
    EXPECT_EQ(canonical_json(v), R"({"a":"x\u003cy","b":[1,{"a":null,"z":true}],"c":-3})");
}

TEST(sync_kv_v1, hmac_sha256_matches_rfc_2104)
{
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"key", b"The quick brown fox jumps over the lazy dog",
    //                                                 hashlib.sha256).hexdigest())'
    EXPECT_EQ(to_hex(hmac_sha256("key", "The quick brown fox jumps over the lazy dog")),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(sync_kv_v1, insight_is_a_stable_keyed_content_hash)
{
    auto a = v1(R"({"user":"u","pass":"p"})");
    auto b = v1(R"({"pass":"p","user":"u"})");
    auto c = v1(R"({"pass":"q","user":"u"})");
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_EQ(a.type, "kvV1");
    EXPECT_EQ(a.version, 0);
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"insight-key-0123456789",
    //                                                 b"{\"pass\":\"p\",\"user\":\"u\"}",
    //                                                 hashlib.sha256).hexdigest())'
    EXPECT_EQ(a.update_time, "hmac-sha256:4ba82030a9d00dcfb689b6874cc7d1b16e70f566f41972dba7d6fec033e6fbc2");
    // Never the unsalted hash of the data (8acd...9874 = sha256 of the same canonical JSON).
    EXPECT_EQ(a.update_time.find(sha256_hex(R"({"pass":"p","user":"u"})")), std::string::npos);
    // Another key, another insight: a Consul reader without the key cannot test guesses.
    auto other = kv_v1_insight(boost::json::parse(R"({"pass":"p","user":"u"})"), vk::secret("another key"));
    EXPECT_NE(other, a);
}

TEST(sync_kv_v1, a_kv_v1_mount_requires_the_insight_key)
{
    std::vector<kv_mount> mounts{{"secret/", true}, {"legacy/", false}};
    auto missing = require_insight_key(mounts, false);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, vk::errc::invalid_argument);
    EXPECT_NE(missing.error().describe().find("legacy/"), std::string::npos);
    EXPECT_NE(missing.error().describe().find("kv_v1_insight_key"), std::string::npos);
    EXPECT_TRUE(require_insight_key(mounts, true));
    EXPECT_TRUE(require_insight_key({{"secret/", true}}, false));  // KV v2 only: no key needed
}

TEST(sync_kv_v1, diff_updates_kv_v1_whenever_the_hash_differs)
{
    std::vector<std::string> w;
    auto a = v1(R"({"k":1})");
    auto b = v1(R"({"k":2})");
    EXPECT_TRUE(needs_update("p", a, b, w));
    EXPECT_TRUE(needs_update("p", b, a, w));
    EXPECT_FALSE(needs_update("p", a, a, w));
    EXPECT_TRUE(w.empty());  // no time parsing for kvV1
    // A mount upgraded from v1 to v2 changes the type: update.
    EXPECT_TRUE(needs_update("p", insight{1, "2021-01-01T00:00:00Z", "kvV2"}, a, w));
}
