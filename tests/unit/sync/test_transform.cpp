// Transformers: the six examples of vsync.md §3.4, fall-through rules, RE2 name syntax, config errors.
#include "sync/model/transform.hpp"

#include <gtest/gtest.h>

using namespace vk::sync;

namespace {

const transform_config runner{
    "runner",
    R"((?P<mount>secret)/(?P<meta>((meta)?data))?/(?P<platform>runner)/(?P<env>(dev|test|stage|prod))?/?(?P<app>\w+)?/?)",
    "runner/meta/env/app/secrets"};

transform_pack runner_pack()
{
    auto pack = transform_pack::compile({runner});
    EXPECT_TRUE(pack) << pack.error().describe();
    return std::move(*pack);
}

}  // namespace

TEST(sync_transform, section_3_4_examples)
{
    const auto pack = runner_pack();
    EXPECT_EQ(pack.size(), 2u);
    auto a = pack.apply("secret/data/runner/stage/myapp");
    EXPECT_EQ(a.path, "runner/data/stage/myapp/secrets");
    EXPECT_EQ(a.by, "runner");
    EXPECT_EQ(pack.apply("/secret/metadata/runner/stage/myapp/").path, "runner/metadata/stage/myapp/secrets");
    // app empty: no match, identity.
    auto c = pack.apply("/secret/metadata/runner/stage/");
    EXPECT_EQ(c.path, "/secret/metadata/runner/stage/");
    EXPECT_EQ(c.by, "");
    auto d = pack.apply("secret/data/runner/qa/myapp");
    EXPECT_EQ(d.path, "secret/data/runner/qa/myapp");
    EXPECT_EQ(d.by, "");
    // Unanchored: the tail is ignored (a collision), and a prefix before the match too.
    EXPECT_EQ(pack.apply("secret/data/runner/stage/myapp/extra/deep").path,
              "runner/data/stage/myapp/secrets");
    EXPECT_EQ(pack.apply("othersecret/data/runner/prod/app-1").path, "runner/data/prod/app/secrets");
}

TEST(sync_transform, single_transformer_reports_fall_through)
{
    auto t = transformer::compile(runner);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->group_names(), (std::vector<std::string>{"mount", "meta", "platform", "env", "app"}));
    EXPECT_FALSE(t->apply("/secret/metadata/runner/stage/"));
    EXPECT_FALSE(t->apply("nothing here"));
}

TEST(sync_transform, no_named_groups_never_applies_and_default_pack_is_identity)
{
    auto pack = transform_pack::compile({{"plain", "secret/(data)/x", "y"}});
    ASSERT_TRUE(pack);
    EXPECT_EQ(pack->apply("secret/data/x").path, "secret/data/x");
    auto empty = transform_pack::compile({});
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->size(), 1u);
    EXPECT_EQ(empty->apply("a/b").path, "a/b");
}

TEST(sync_transform, first_applicable_wins_and_slashes_collapse)
{
    auto pack =
        transform_pack::compile({{"kv", "^kv/data/(?P<rest>.+)$", "copy//data/rest"},
                                 {"all", "^(?P<m>[^/]+)/data/(?P<rest>.+)$", "/mirror/m/data/rest/"}});
    ASSERT_TRUE(pack);
    EXPECT_EQ(pack->apply("kv/data/a/b").path, "copy/data/a/b");
    auto b = pack->apply("secret/data/a");
    EXPECT_EQ(b.path, "/mirror/secret/data/a/");
    EXPECT_EQ(b.by, "all");
    // Only whole segments are substituted: "rest2" and "xrest" stay literal.
    auto lit = transform_pack::compile({{"l", "(?P<rest>a)", "rest2/xrest/rest"}});
    EXPECT_EQ(lit->apply("a").path, "rest2/xrest/a");
}

TEST(sync_transform, re2_translation_skips_escapes_classes_and_lookbehinds)
{
    auto t = translate_re2_names(R"(\(?P<x>a)[(?P<y>](?P<z>b)(?<w>c)(?<=d))");
    EXPECT_EQ(t.pattern, R"(\(?P<x>a)[(?P<y>](?<z>b)(?<w>c)(?<=d))");
    EXPECT_EQ(t.names, (std::vector<std::string>{"z", "w"}));
    EXPECT_EQ(translate_re2_names("[]](?P<a>x)").names, std::vector<std::string>{"a"});
}

TEST(sync_transform, anchors_are_whole_text_like_re2)
{
    auto pack = transform_pack::compile({{"t", "^(?P<a>x)$", "y/a"}});
    EXPECT_EQ(pack->apply("x").path, "y/x");
    EXPECT_EQ(pack->apply("z\nx").path, "z\nx");
}

TEST(sync_transform, bad_regex_is_a_config_error_naming_the_transform)
{
    auto r = transform_pack::compile({runner, {"broken", "(?P<a>unclosed", "x"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, vk::errc::invalid_argument);
    EXPECT_NE(r.error().message.find("\"broken\""), std::string::npos);
    auto dup = transformer::compile({"dup", "(?P<a>x)(?P<a>y)", "a"});
    ASSERT_FALSE(dup);
    EXPECT_NE(dup.error().message.find("duplicate"), std::string::npos);
}
