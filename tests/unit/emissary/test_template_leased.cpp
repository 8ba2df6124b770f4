// A dynamic Vault source's answer in a template: `secret` with no field is the whole answer (.Data,
// .LeaseID, .LeaseDuration, .Renewable), a field reads Data; Data is secret for redaction, the lease fields
// are not; and Vault's answers decoded.
#include "emissary/model/lease_wire.hpp"
#include "emissary/model/render.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

const dependency leased_dep{"db", "database/creds/app", dep_kind::value};

fetched leased_answer_sample()
{
    auto f = decode_leased(R"({"request_id":"r","lease_id":"database/creds/app/L1","lease_duration":3,
        "renewable":true,"data":{"username":"v-app-1","password":"pw-secret"},"warnings":null})");
    EXPECT_TRUE(f);
    return *f;
}

render_result leased_render(std::string_view text)
{
    auto p = parse_template(text, "t.tmpl", {});
    EXPECT_TRUE(p.ok()) << (p.error ? p.error->describe() : "");
    return render(p.ast, value_map{{leased_dep, leased_answer_sample()}}, {});
}

TEST(emissary_leased_template, secret_without_a_field_is_the_whole_answer)
{
    auto r = leased_render(
        R"({{ with secret "db" "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }})"
        R"( {{ .LeaseID }} {{ .LeaseDuration }} {{ .Renewable }}{{ end }})");
    ASSERT_TRUE(r.complete()) << (r.errors.empty() ? "" : r.errors[0]);
    EXPECT_EQ(*r.text, "v-app-1:pw-secret database/creds/app/L1 3 true");
}

TEST(emissary_leased_template, a_field_or_pointer_reads_the_data)
{
    auto r = leased_render(R"({{ secret "db" "database/creds/app" "username" }}/)"
                           R"({{ secret "db" "database/creds/app" "/password" }})");
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(*r.text, "v-app-1/pw-secret");
}

TEST(emissary_leased_template, data_is_secret_and_the_lease_fields_are_not)
{
    auto r = leased_render(R"({{ with secret "db" "database/creds/app" }}{{ .Data.password }})"
                           R"({{ .LeaseDuration }}{{ .LeaseID }}{{ end }})");
    ASSERT_TRUE(r.complete());
    std::vector<std::string> all;
    for (const auto& node : r.secrets)
        all.insert(all.end(), node.begin(), node.end());
    EXPECT_NE(std::find(all.begin(), all.end(), "pw-secret"), all.end());
    EXPECT_EQ(std::find(all.begin(), all.end(), "3"), all.end());
    EXPECT_EQ(std::find(all.begin(), all.end(), "database/creds/app/L1"), all.end());
    auto remembered = secret_strings(leased_dep, leased_answer_sample());
    std::sort(remembered.begin(), remembered.end());
    EXPECT_EQ(remembered, (std::vector<std::string>{"pw-secret", "v-app-1"}));
}

TEST(emissary_leased_template, vault_answers_decode_and_bodies_encode)
{
    auto f = leased_answer_sample();
    ASSERT_TRUE(f.lease);
    EXPECT_EQ(*f.lease, (lease_info{"database/creds/app/L1", std::chrono::seconds(3), true}));
    auto plain = decode_leased(R"({"data":{"k":"v"},"lease_id":"","lease_duration":0,"renewable":false})");
    ASSERT_TRUE(plain && plain->lease);
    EXPECT_TRUE(plain->lease->id.empty());
    EXPECT_EQ(*decode_renewal(R"({"lease_id":"x","lease_duration":2,"renewable":true})"),
              std::chrono::seconds(2));
    EXPECT_FALSE(decode_renewal("{}"));
    EXPECT_FALSE(decode_leased("not json"));
    EXPECT_EQ(renew_body("a/b", std::chrono::seconds(3)), R"({"lease_id":"a/b","increment":3})");
    EXPECT_EQ(lease_id_body("a/b"), R"({"lease_id":"a/b"})");
}

}  // namespace
}  // namespace vk::emissary
