// api/model/access and core/scope: scope names and sets, job globs, and the verdict for a token, a scope and
// a job, with plain values.
#include "api/model/access.hpp"

#include <gtest/gtest.h>

using namespace vk;
using namespace vk::api;

namespace {

access_list access_fixture()
{
    admin_config admin;
    admin.token = secret("the-full-admin-token");
    admin.tokens.push_back(
        {"grafana", secret("read-only-token-000"), std::nullopt, scope_set::parse({"read"}), {}});
    admin.tokens.push_back({"sync-ops",
                            secret("sync-operator-token"),
                            std::nullopt,
                            scope_set::parse({"read", "operate", "approve"}),
                            {"replicate-*", "origin"}});
    return access_list::from(admin);
}

}  // namespace

TEST(access_scope, names_and_star)
{
    for (auto s : every_scope)
        EXPECT_EQ(scope_named(to_string(s)), s);
    EXPECT_FALSE(scope_named("*"));
    EXPECT_FALSE(scope_named("admin"));
    std::string unknown;
    auto set = scope_set::parse({"read", "restore"}, &unknown);
    EXPECT_TRUE(unknown.empty());
    EXPECT_EQ(set.names(), (std::vector<std::string>{"read", "restore"}));
    EXPECT_EQ(scope_set::parse({"*"}), scope_set::all());
    scope_set::parse({"read", "destroy", "nope"}, &unknown);
    EXPECT_EQ(unknown, "destroy");  // the first unknown name
}

TEST(access_scope, job_globs)
{
    EXPECT_TRUE(glob_match("replicate-*", "replicate-eu"));
    EXPECT_TRUE(glob_match("replicate-*", "replicate-"));
    EXPECT_FALSE(glob_match("replicate-*", "replicat"));
    EXPECT_TRUE(glob_match("*-eu", "replicate-eu"));
    EXPECT_TRUE(glob_match("a*b*c", "a-x-b-y-c"));
    EXPECT_FALSE(glob_match("a*b*c", "a-x-c-y-b"));
    EXPECT_TRUE(glob_match("node-?", "node-1"));
    EXPECT_FALSE(glob_match("node-?", "node-12"));
    EXPECT_TRUE(glob_match("exact", "exact"));
    EXPECT_FALSE(glob_match("exact", "exactly"));
    EXPECT_TRUE(glob_match("*", ""));
}

TEST(access_list_verdict, no_or_unknown_token_is_unauthenticated)
{
    auto list = access_fixture();
    auto none = list.decide({}, scope::read, "");
    ASSERT_TRUE(none.refused);
    EXPECT_EQ(*none.refused, denial::no_token);
    EXPECT_TRUE(unauthenticated(*none.refused));
    auto wrong = list.decide({"not-a-known-token"}, scope::read, "");
    ASSERT_TRUE(wrong.refused);
    EXPECT_EQ(*wrong.refused, denial::unknown_token);
    EXPECT_FALSE(wrong.who);
}

TEST(access_list_verdict, admin_token_is_every_scope_on_every_job)
{
    auto list = access_fixture();
    for (auto s : every_scope)
    {
        auto v = list.decide({"the-full-admin-token"}, s, "any-job");
        EXPECT_FALSE(v.refused) << to_string(s);
        ASSERT_TRUE(v.who);
        EXPECT_EQ(v.who->name, "admin");
    }
}

TEST(access_list_verdict, a_missing_scope_is_named_and_no_token_is)
{
    auto list = access_fixture();
    auto v = list.decide({"read-only-token-000"}, scope::operate, "replicate-eu");
    ASSERT_TRUE(v.refused);
    EXPECT_EQ(*v.refused, denial::missing_scope);
    EXPECT_FALSE(unauthenticated(*v.refused));
    EXPECT_EQ(v.message, "this token lacks the \"operate\" scope");
    EXPECT_EQ(v.who->name, "grafana");
    EXPECT_FALSE(list.decide({"read-only-token-000"}, scope::read, "anything").refused);
}

TEST(access_list_verdict, a_token_limited_to_jobs)
{
    auto list = access_fixture();
    EXPECT_FALSE(list.decide({"sync-operator-token"}, scope::approve, "replicate-us").refused);
    EXPECT_FALSE(list.decide({"sync-operator-token"}, scope::operate, "origin").refused);
    auto other = list.decide({"sync-operator-token"}, scope::operate, "backup");
    ASSERT_TRUE(other.refused);
    EXPECT_EQ(*other.refused, denial::job_not_allowed);
    EXPECT_EQ(other.message, "this token may not act on job \"backup\"");
    // What concerns no job: reading is fine, changing it (the log level) is not.
    EXPECT_FALSE(list.decide({"sync-operator-token"}, scope::read, "").refused);
    auto global = list.decide({"sync-operator-token"}, scope::operate, "");
    ASSERT_TRUE(global.refused);
    EXPECT_EQ(*global.refused, denial::job_not_allowed);
    EXPECT_TRUE(list.decide({"sync-operator-token"}, scope::rekey, "replicate-us").refused);  // not its scope
}

TEST(access_list_verdict, digests_not_tokens_are_kept)
{
    auto list = access_fixture();
    EXPECT_EQ(list.size(), 3u);
    EXPECT_EQ(digest_of("x"), digest_of("x"));
    EXPECT_NE(digest_of("x"), digest_of("y"));
    EXPECT_EQ(list.identify("read-only-token-000")->name, "grafana");
    EXPECT_EQ(list.identify("read-only-token-00"), nullptr);  // a prefix is another token
}

namespace {

admin_config certificate_admin(bool required)
{
    admin_config admin;
    if (!required)
        admin.token = secret("the-full-admin-token");
    admin.tls_client_ca_file = "/etc/vk/clients.pem";
    admin.require_client_cert = required;
    admin.tokens.push_back({"deployer",
                            secret(),
                            client_cert_match{"email:deploy@ops.example", ""},
                            scope_set::parse({"read", "operate"}),
                            {}});
    admin.tokens.push_back({"ci",
                            secret("ci-token-0000000000"),
                            client_cert_match{"dns:*.ci.example", ""},
                            scope_set::parse({"read"}),
                            {}});
    admin.tokens.push_back(
        {"root-ca-ops", secret(), client_cert_match{"", "CN=ops,O=Example"}, scope_set::all(), {}});
    return admin;
}

}  // namespace

TEST(access_certificates, a_san_or_subject_names_the_entry)
{
    EXPECT_TRUE(matches({"email:deploy@ops.example", ""}, {"CN=x", {"dns:a", "email:deploy@ops.example"}}));
    EXPECT_FALSE(matches({"email:deploy@ops.example", ""}, {"CN=x", {"dns:deploy@ops.example"}}))
        << "the SAN's type counts, not only its value";
    EXPECT_FALSE(matches({"email:deploy@ops.example", ""}, {"CN=email:deploy@ops.example", {}}));
    EXPECT_TRUE(matches({"dns:*.ci.example", ""}, {"", {"dns:Runner-1.CI.example"}})) << "DNS in any case";
    EXPECT_FALSE(matches({"dns:*.ci.example", ""}, {"", {"dns:ci.example.evil"}}));
    EXPECT_TRUE(matches({"uri:spiffe://example/ci/*", ""}, {"", {"uri:spiffe://example/ci/runner"}}));
    EXPECT_TRUE(matches({"", "CN=ops,O=Example"}, {"CN=ops,O=Example", {}}));
    EXPECT_FALSE(matches({"", "CN=ops,O=Example"}, {"CN=ops,O=Example,C=NL", {}})) << "the whole subject";
}

TEST(access_certificates, a_verified_certificate_identifies_the_caller_without_a_token)
{
    auto list = access_list::from(certificate_admin(false));
    peer_certificate deployer{"CN=deploy", {"email:deploy@ops.example"}};
    auto v = list.decide({std::nullopt, &deployer}, scope::operate, "any");
    ASSERT_FALSE(v.refused) << v.message;
    EXPECT_EQ(v.who->name, "deployer");
    EXPECT_EQ(v.via, credential::client_certificate);
    auto restore = list.decide({std::nullopt, &deployer}, scope::restore, "any");
    ASSERT_TRUE(restore.refused);
    EXPECT_EQ(*restore.refused, denial::missing_scope);
    EXPECT_NE(restore.message.find("certificate lacks the \"restore\" scope"), std::string::npos);

    peer_certificate stranger{"CN=stranger", {"email:someone@else.example"}};
    auto unknown = list.decide({std::nullopt, &stranger}, scope::read, "");
    ASSERT_TRUE(unknown.refused);
    EXPECT_EQ(*unknown.refused, denial::unknown_certificate);
    EXPECT_TRUE(unauthenticated(*unknown.refused));
}

TEST(access_certificates, a_bearer_token_sent_beside_a_certificate_is_what_identifies)
{
    auto list = access_list::from(certificate_admin(false));
    peer_certificate deployer{"CN=deploy", {"email:deploy@ops.example"}};
    auto v = list.decide({"the-full-admin-token", &deployer}, scope::restore, "any");
    ASSERT_FALSE(v.refused);
    EXPECT_EQ(v.who->name, "admin");
    EXPECT_EQ(v.via, credential::token);
    auto wrong = list.decide({"not-a-token", &deployer}, scope::read, "");
    ASSERT_TRUE(wrong.refused) << "a wrong token is not rescued by the certificate";
    EXPECT_EQ(*wrong.refused, denial::unknown_token);
}

TEST(access_certificates, required_certificates_refuse_every_bearer_token)
{
    auto list = access_list::from(certificate_admin(true));
    auto bearer = list.decide({"ci-token-0000000000"}, scope::read, "");
    ASSERT_TRUE(bearer.refused);
    EXPECT_EQ(*bearer.refused, denial::certificate_required);
    EXPECT_EQ(list.decide({}, scope::read, "").refused, denial::certificate_required);
    peer_certificate ci{"CN=runner", {"dns:runner-7.ci.example"}};
    auto v = list.decide({"ci-token-0000000000", &ci}, scope::read, "");
    ASSERT_FALSE(v.refused) << "the certificate identifies; the token beside it is ignored";
    EXPECT_EQ(v.who->name, "ci");
    peer_certificate ops{"CN=ops,O=Example", {}};
    EXPECT_EQ(list.decide({std::nullopt, &ops}, scope::restore, "j").who->name, "root-ca-ops");
}
