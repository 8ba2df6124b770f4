// The sync kind's config keys: defaults, normalisation and every mistake reported at its JSON pointer.
#include "sync/model/settings.hpp"

#include <gtest/gtest.h>

#include "../config_problems.hpp"

#include <algorithm>

namespace {

const vk::kind_parsers sync_kinds = {{"sync", vk::sync::parse_settings}};

std::string doc(const std::string& jobs)
{
    return R"({"admin": {"token": "0123456789abcdef"},
               "vaults": {"o": {"address": "http://127.0.0.1:1", "token": "t"},
                          "d": {"address": "http://127.0.0.1:2", "token": "t"}},
               "consuls": {"oc": {"address": "http://127.0.0.1:3"}, "dc": {"address": "http://127.0.0.1:4"}},
               "jobs": [)" +
           jobs + "]}";
}

std::vector<std::string> sync_problems(const std::string& jobs)
{
    return vk::test::config_problems_of(doc(jobs), sync_kinds);
}

const vk::sync::sync_settings& settings_of(const vk::config& c, std::size_t i = 0)
{
    return static_cast<const vk::sync::sync_settings&>(*c.jobs.at(i).settings);
}

}  // namespace

TEST(sync_settings, origin_defaults_and_normalised_paths)
{
    auto r = vk::parse_config(doc(R"({"name": "o", "kind": "sync", "role": "origin",
                "origin": {"vault": "o", "consul": "oc", "mounts": ["secret", "team/kv/"], "sync_path": "vs"}})"),
                              "cfg.json", sync_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = settings_of(*r);
    EXPECT_EQ(s.role, vk::sync::role::origin);
    EXPECT_EQ(s.origin.mounts, (std::vector<std::string>{"secret/", "team/kv/"}));
    EXPECT_EQ(s.origin_prefix(), "vs/origin/");
    EXPECT_EQ(s.buckets, 1u);
    EXPECT_EQ(s.workers, 16u);
    EXPECT_EQ(s.max_requests_per_second, 0.0);
}

TEST(sync_settings, destination_with_transforms)
{
    auto r = vk::parse_config(doc(R"J({"name": "d", "kind": "sync", "role": "destination",
                "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                "destination": {"vault": "d", "consul": "dc"},
                "transforms": [{"name": "t", "from": "secret/data/(?P<app>.+)", "to": "apps/data/app"}],
                "max_delete_percent": 5, "ignore_deletes": true, "repair": true, "watch": false})J"),
                              "cfg.json", sync_kinds);
    ASSERT_TRUE(r) << r.error().render();
    const auto& s = settings_of(*r);
    EXPECT_EQ(s.destination_prefix(), "vsync/destination/");
    EXPECT_EQ(s.pack.apply("secret/data/x/y").path, "apps/data/x/y");
    EXPECT_EQ(s.max_delete_percent, 5.0);
    EXPECT_TRUE(s.ignore_deletes);
    EXPECT_TRUE(s.repair);
    EXPECT_FALSE(s.watch);
}

TEST(sync_settings, every_mistake_at_its_pointer)
{
    auto ps = sync_problems(R"J({"name": "x", "kind": "sync", "role": "destination",
                           "origin": {"vault": "nope", "consul": "oc", "mounts": ["/abs"], "extra": 1},
                           "destination": {"vault": "d", "consul": "missing"},
                           "buckets": 3,
                           "transforms": [{"name": "bad", "from": "(?P<a>x)(?P<a>y)", "to": "a"}],
                           "max_delete_percent": 101})J");
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/origin/vault: no vault named \"nope\""))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/origin/mounts: mount \"/abs\""))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/origin/extra: unknown key")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/destination/consul: no consul named \"missing\""))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/buckets: a destination adopts"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/transforms/0/from:")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/max_delete_percent")) << ::testing::PrintToString(ps);
}

TEST(sync_settings, role_is_required_and_destination_keys_belong_to_destinations)
{
    auto ps = sync_problems(R"({"name": "x", "kind": "sync",
                           "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                           "ignore_deletes": true, "destination": {"vault": "d", "consul": "dc"}})");
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/role: required")) << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/ignore_deletes: only a destination job"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/destination: only a destination job"))
        << ::testing::PrintToString(ps);
    auto missing = sync_problems(R"({"name": "x", "kind": "sync", "role": "destination",
                                "origin": {"vault": "o", "consul": "oc", "mounts": []}})");
    EXPECT_TRUE(vk::test::mentions(missing, "/jobs/0/destination")) << ::testing::PrintToString(missing);
    EXPECT_TRUE(vk::test::mentions(missing, "/jobs/0/origin/mounts: at least one mount"))
        << ::testing::PrintToString(missing);
}

// Issue 10, "smaller defects", point 2: kv_v1_insight_key is a secret like the others (inline, file, env).
TEST(sync_settings, kv_v1_insight_key_is_a_secret)
{
    ::setenv("VK_TEST_INSIGHT_KEY", "from-the-environment-0123", 1);
    auto r = vk::parse_config(
        doc(R"({"name": "o", "kind": "sync", "role": "origin", "kv_v1_insight_key": {"env": "VK_TEST_INSIGHT_KEY"},
                "origin": {"vault": "o", "consul": "oc", "mounts": ["kv1/"]}})"),
        "cfg.json", sync_kinds);
    ASSERT_TRUE(r) << r.error().render();
    ASSERT_TRUE(settings_of(*r).kv_v1_insight_key);
    EXPECT_EQ(settings_of(*r).kv_v1_insight_key->reveal(), "from-the-environment-0123");
    EXPECT_FALSE(settings_of(*r).kv_v1_insight_key->empty());
    auto ps = sync_problems(R"({"name": "o", "kind": "sync", "role": "origin", "kv_v1_insight_key": "short",
                           "origin": {"vault": "o", "consul": "oc", "mounts": ["kv1/"]}})");
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/kv_v1_insight_key: must be at least 16 bytes"))
        << ::testing::PrintToString(ps);
    EXPECT_FALSE(vk::test::mentions(ps, "short")) << "the value never appears in a message";
}

// Issue 10, points 2 and 3: approval_ttl (both roles) and max_publish_drop_percent (origin) with defaults.
TEST(sync_settings, approval_ttl_and_max_publish_drop_percent)
{
    auto r = vk::parse_config(
        doc(R"({"name": "o", "kind": "sync", "role": "origin", "approval_ttl": "15m", "max_publish_drop_percent": 5,
                "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]}},
               {"name": "d", "kind": "sync", "role": "destination",
                "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                "destination": {"vault": "d", "consul": "dc"}})"),
        "cfg.json", sync_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(settings_of(*r, 0).approval_ttl, std::chrono::minutes(15));
    EXPECT_EQ(settings_of(*r, 0).max_publish_drop_percent, 5.0);
    EXPECT_EQ(settings_of(*r, 1).approval_ttl, std::chrono::hours(1));
    EXPECT_EQ(settings_of(*r, 1).max_publish_drop_percent, 20.0);
    auto ps = sync_problems(R"({"name": "d", "kind": "sync", "role": "destination", "approval_ttl": "0s",
                           "max_publish_drop_percent": 10,
                           "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                           "destination": {"vault": "d", "consul": "dc"}})");
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/approval_ttl: must be a positive"))
        << ::testing::PrintToString(ps);
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/max_publish_drop_percent: only an origin job"))
        << ::testing::PrintToString(ps);
}

// Issue 19 (sync and the first run): origin_grace, a destination's setting, defaults to 10m.
TEST(sync_settings, origin_grace_is_a_destination_setting)
{
    auto r =
        vk::parse_config(doc(R"({"name": "d", "kind": "sync", "role": "destination", "origin_grace": "90s",
                "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                "destination": {"vault": "d", "consul": "dc"}},
               {"name": "e", "kind": "sync", "role": "destination",
                "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                "destination": {"vault": "d", "consul": "dc"}})"),
                         "cfg.json", sync_kinds);
    ASSERT_TRUE(r) << r.error().render();
    EXPECT_EQ(settings_of(*r, 0).origin_grace, std::chrono::seconds(90));
    EXPECT_EQ(settings_of(*r, 1).origin_grace, std::chrono::minutes(10));
    auto ps = sync_problems(R"({"name": "o", "kind": "sync", "role": "origin", "origin_grace": "1m",
                           "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]}})");
    EXPECT_TRUE(vk::test::mentions(ps, "/jobs/0/origin_grace: only a destination job"))
        << ::testing::PrintToString(ps);
    auto bad = sync_problems(R"({"name": "d", "kind": "sync", "role": "destination", "origin_grace": "soon",
                            "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
                            "destination": {"vault": "d", "consul": "dc"}})");
    EXPECT_TRUE(vk::test::mentions(bad, "/jobs/0/origin_grace")) << ::testing::PrintToString(bad);
}
