// Policy parsing (HCL and JSON) and ACL matching: exact rules, '*' and '+' globs, priority, deny.
#include <gtest/gtest.h>

#include "acl.hpp"
#include "policy.hpp"

namespace vsim {
namespace {

policy parse_ok(std::string_view text)
{
    policy p;
    auto err = parse_policy(text, p);
    EXPECT_FALSE(err) << *err;
    return p;
}

TEST(policy_parse, hcl_blocks_comments_and_legacy_policy)
{
    auto p = parse_ok(R"(
# comment
path "secret/data/*" {
  capabilities = ["read", "list"]   // trailing comment
}
/* block comment */
path "secret/metadata/app" { policy = "write" }
path "sys/x" {
  capabilities = ["update"]
  allowed_parameters = { "a" = [] }
}
)");
    ASSERT_EQ(p.rules.size(), 3u);
    EXPECT_EQ(p.rules[0].pattern, "secret/data/*");
    EXPECT_EQ(p.rules[0].caps, cap::read | cap::list);
    EXPECT_TRUE(p.rules[1].caps & cap::update);
    EXPECT_EQ(p.rules[2].caps, cap::update);
}

TEST(policy_parse, json_form)
{
    auto p = parse_ok(R"({"path":{"kv/*":{"capabilities":["create","sudo"]}}})");
    ASSERT_EQ(p.rules.size(), 1u);
    EXPECT_EQ(p.rules[0].caps, cap::create | cap::sudo);
}

TEST(policy_parse, errors_are_values)
{
    policy p;
    EXPECT_TRUE(parse_policy(R"(path "a" { capabilities = ["fly"] })", p));
    EXPECT_TRUE(parse_policy(R"(path "a" { capabilities = ["read" )", p));
    EXPECT_TRUE(parse_policy(R"(path "a { )", p));
    EXPECT_TRUE(parse_policy(R"({"path": )", p));
}

TEST(policy_parse, default_policy_parses)
{
    auto p = parse_ok(default_policy_text());
    EXPECT_GE(p.rules.size(), 5u);
}

TEST(acl_match, exact_beats_glob_and_deny_wins_merge)
{
    auto a = parse_ok(R"(path "secret/*" { capabilities = ["read"] }
                         path "secret/data/x" { capabilities = ["update"] })");
    auto b = parse_ok(R"(path "secret/*" { capabilities = ["deny"] })");
    acl one({&a});
    EXPECT_TRUE(one.allows("secret/data/y", "read"));
    EXPECT_FALSE(one.allows("secret/data/x", "read"));
    EXPECT_TRUE(one.allows("secret/data/x", "update"));
    acl both({&a, &b});
    EXPECT_FALSE(both.allows("secret/data/y", "read"));
    EXPECT_TRUE(both.allows("secret/data/x", "update"));
}

TEST(acl_match, plus_matches_one_segment)
{
    auto p = parse_ok(R"(path "secret/+/app" { capabilities = ["read"] })");
    acl a({&p});
    EXPECT_TRUE(a.allows("secret/data/app", "read"));
    EXPECT_FALSE(a.allows("secret/data/x/app", "read"));
    EXPECT_FALSE(a.allows("secret/data/app/more", "read"));
    EXPECT_TRUE(glob_matches("secret/+/app/*", "secret/data/app/x/y"));
}

TEST(acl_match, most_specific_glob_wins)
{
    auto p = parse_ok(R"(path "secret/*" { capabilities = ["read"] }
                         path "secret/data/*" { capabilities = ["list"] }
                         path "secret/+/team/*" { capabilities = ["update"] })");
    acl a({&p});
    // "secret/data/*" is longer than "secret/*": it wins, so read is not granted.
    EXPECT_FALSE(a.allows("secret/data/foo", "read"));
    EXPECT_TRUE(a.allows("secret/data/foo", "list"));
    // First wildcard earlier in "secret/+/team/*" than in "secret/data/*": the latter wins.
    EXPECT_TRUE(a.allows("secret/data/team/x", "list"));
    EXPECT_FALSE(a.allows("secret/data/team/x", "update"));
    // Same first-wildcard position as "secret/*", but more '+' segments: "secret/*" wins.
    EXPECT_TRUE(a.allows("secret/other/team/x", "read"));
    EXPECT_FALSE(a.allows("secret/other/team/x", "update"));
}

TEST(acl_match, list_matches_exact_rule_without_slash)
{
    auto p = parse_ok(R"(path "secret/metadata/app" { capabilities = ["list"] })");
    acl a({&p});
    EXPECT_TRUE(a.allows("secret/metadata/app/", "list"));
    EXPECT_FALSE(a.allows("secret/metadata/app/", "read"));
}

TEST(acl_match, capability_names_sorted_and_deny)
{
    EXPECT_EQ(capability_names(cap::update | cap::read | cap::create),
              (std::vector<std::string>{"create", "read", "update"}));
    EXPECT_EQ(capability_names(0), (std::vector<std::string>{"deny"}));
    EXPECT_EQ(capability_names(cap::deny | cap::read), (std::vector<std::string>{"deny"}));
}

TEST(acl_match, root_allows_everything)
{
    acl a({}, true);
    EXPECT_TRUE(a.allows("sys/storage/raft/snapshot", "sudo"));
}

}  // namespace
}  // namespace vsim
