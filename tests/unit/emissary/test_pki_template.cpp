// pkiCert in the template language: its arguments, its dependency (the parameters are part of it), its value.
#include "emissary/model/pki_request.hpp"
#include "emissary/model/render.hpp"
#include "emissary/model/template.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

parse_outcome parse(std::string_view text)
{
    return parse_template(text, "t.tmpl", {});
}

const std::string cert_call =
    R"({{ with pkiCert "v" "pki/issue/web" "ttl=72h" "common_name=web.example" }}{{ .Cert }}|{{ .Key }}|{{ .CA }}{{ end }})";

TEST(emissary_pki_template, a_call_is_a_pki_dependency_with_its_parameters_sorted)
{
    auto p = parse(cert_call);
    ASSERT_TRUE(p.ok()) << p.error->describe();
    ASSERT_EQ(p.ast.calls.size(), 1u);
    EXPECT_EQ(p.ast.calls[0].kind, call_kind::pki_cert);
    const dependency want{"v", "pki/issue/web", dep_kind::pki, {"common_name=web.example", "ttl=72h"}};
    EXPECT_EQ(p.ast.dependencies(), std::set<dependency>{want});
    EXPECT_EQ(p.ast.calls[0].reference(), "pkiCert v pki/issue/web common_name=web.example ttl=72h");
    EXPECT_EQ(common_name_of(want), "web.example");
    EXPECT_EQ(boost::json::serialize(issue_body(want)), R"({"common_name":"web.example","ttl":"72h"})");
}

TEST(emissary_pki_template, different_parameters_are_different_certificates_the_same_ones_share_one)
{
    auto p = parse(R"({{ with pkiCert "v" "pki/issue/web" "common_name=a.example" }}{{ .Cert }}{{ end }})"
                   R"({{ with pkiCert "v" "pki/issue/web" "common_name=b.example" }}{{ .Cert }}{{ end }})"
                   R"({{ with pkiCert "v" "pki/issue/web" "common_name=a.example" }}{{ .Key }}{{ end }})");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p.ast.dependencies().size(), 2u);
    // The order of the parameters does not make another certificate.
    auto q = parse(R"({{ with pkiCert "v" "pki/issue/web" "ttl=1h" "common_name=a" }}{{ end }})"
                   R"({{ with pkiCert "v" "pki/issue/web" "common_name=a" "ttl=1h" }}{{ end }})");
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q.ast.dependencies().size(), 1u);
}

TEST(emissary_pki_template, bad_arguments_name_their_line_and_column)
{
    auto no_eq = parse("x\n{{ pkiCert \"v\" \"pki/issue/web\" \"common_name\" }}");
    ASSERT_FALSE(no_eq.ok());
    EXPECT_EQ(no_eq.error->describe(),
              "t.tmpl:2:32: pkiCert: argument 3 must be \"key=value\" with a non-empty key");
    auto empty_key = parse(R"({{ pkiCert "v" "pki/issue/web" "=x" }})");
    ASSERT_FALSE(empty_key.ok());
    EXPECT_EQ(empty_key.error->where.column, 32u);
    auto path = parse(R"({{ pkiCert "v" "pki/sign/web" "common_name=a" }})");
    ASSERT_FALSE(path.ok());
    EXPECT_EQ(path.error->describe(), "t.tmpl:1:16: pkiCert: the path must be \"<pki mount>/issue/<role>\"");
    EXPECT_FALSE(parse(R"({{ pkiCert "v" "pki/issue/" }})").ok());
    EXPECT_FALSE(parse(R"({{ pkiCert "" "pki/issue/web" }})").ok());
    auto twice = parse(R"({{ pkiCert "v" "pki/issue/web" "ttl=1h" "ttl=2h" }})");
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error->message, "pkiCert: parameter \"ttl\" given twice");
    auto not_literal = parse(R"({{ pkiCert "v" "pki/issue/web" .x }})");
    ASSERT_FALSE(not_literal.ok());
    EXPECT_EQ(not_literal.error->message, "pkiCert: argument 3 must be a string literal");
    EXPECT_FALSE(parse(R"({{ pkiCert "v" }})").ok());
}

TEST(emissary_pki_template, renders_cert_key_and_ca_as_secrets_and_waits_until_issued)
{
    auto p = parse(cert_call);
    ASSERT_TRUE(p.ok());
    const dependency d = *p.ast.dependencies().begin();
    auto waiting = render(p.ast, {}, nullptr);
    EXPECT_FALSE(waiting.complete());
    EXPECT_EQ(waiting.missing,
              std::vector<std::string>{"pkiCert v pki/issue/web common_name=web.example ttl=72h"});
    const fetched f{true, cert_value({"CERT", "KEY", "CA", {}})};
    auto r = render(p.ast, {{d, f}}, nullptr);
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(*r.text, "CERT|KEY|CA");
    // .Key of a certificate is a secret (unlike a listing entry's Key).
    std::vector<std::string> hidden;
    for (const auto& s : r.secrets)
        hidden.insert(hidden.end(), s.begin(), s.end());
    EXPECT_NE(std::find(hidden.begin(), hidden.end(), "KEY"), hidden.end());
    auto strings = secret_strings(d, f);
    EXPECT_NE(std::find(strings.begin(), strings.end(), "KEY"), strings.end());
    EXPECT_NE(std::find(strings.begin(), strings.end(), "CERT"), strings.end());
}

TEST(emissary_pki_template, uses_field_finds_ca_anywhere_in_the_template)
{
    auto with_ca = parse(
        R"({{ if true }}{{ with pkiCert "v" "pki/issue/w" }}{{ (printf "%s" .CA) }}{{ end }}{{ end }})");
    ASSERT_TRUE(with_ca.ok());
    EXPECT_TRUE(uses_field(with_ca.ast, "CA"));
    auto without = parse(cert_call.substr(0, cert_call.find("|{{ .CA }}")) + "{{ end }}");
    ASSERT_TRUE(without.ok()) << without.error->describe();
    EXPECT_FALSE(uses_field(without.ast, "CA"));
}

}  // namespace
}  // namespace vk::emissary
