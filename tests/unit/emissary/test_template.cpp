// The emissary template language: parsing (positions of errors), dependencies, rendering and filters.
#include "emissary/model/render.hpp"
#include "emissary/model/template.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

template_ast parse_ok(std::string_view text, const delimiters& d = {})
{
    auto p = parse_template(text, "t.tmpl", d);
    EXPECT_TRUE(p.ok()) << (p.error ? p.error->describe() : "");
    return p.ast;
}

parse_error parse_bad(std::string_view text, const delimiters& d = {})
{
    auto p = parse_template(text, "t.tmpl", d);
    EXPECT_FALSE(p.ok());
    return p.error.value_or(parse_error{});
}

fetched str(std::string s)
{
    return {true, boost::json::value(s)};
}

TEST(emissary_template, dependencies_are_known_at_parse_time)
{
    auto ast = parse_ok(R"(a={{ secret "vault" "secret/app" "password" }}
b={{ poll "kv" "app/key" }} c={{ secretOr "kv" "x" "f" "dflt" }} d={{ env "HOME" }})");
    auto deps = ast.dependencies();
    ASSERT_EQ(deps.size(), 3u);
    EXPECT_TRUE(deps.contains(dependency{"vault", "secret/app"}));
    EXPECT_TRUE(deps.contains(dependency{"kv", "app/key"}));
    EXPECT_EQ(ast.env_names(), std::set<std::string>{"HOME"});
    EXPECT_EQ(ast.sources(), (std::set<std::string>{"kv", "vault"}));
}

TEST(emissary_template, errors_carry_file_line_and_column)
{
    auto e = parse_bad("line one\n  x {{ secrt \"a\" \"b\" }}");
    EXPECT_EQ(e.where.line, 2u);
    EXPECT_EQ(e.where.column, 8u);
    EXPECT_EQ(e.describe(), "t.tmpl:2:8: unknown function \"secrt\"");
    EXPECT_EQ(parse_bad("{{ secret \"a\" }}").message, "secret: argument 2 must be a string literal");
    EXPECT_EQ(parse_bad("ab\n{{ secret \"a\" \"b\"").where.line, 2u);
    EXPECT_EQ(parse_bad("{{ secret \"a\" \"b\" | nope }}").message, "unknown function \"nope\"");
    EXPECT_EQ(parse_bad("{{ secret \"a\" \"b\" | indent }}").message,
              "indent: expected a width from 0 to 999");
    EXPECT_EQ(parse_bad("{{ secret \"a\" \"b\" \"c\" \"d\" }}").message, "secret: too many arguments");
    EXPECT_EQ(parse_bad("{{ secret \"a\\q\" \"b\" }}").message, "unknown escape \\q");
    EXPECT_EQ(parse_bad("{{ \"unterminated }}").message, "unterminated string");
    EXPECT_EQ(parse_bad("{{   }}").message, "empty action");
    EXPECT_EQ(parse_bad("{{/* never closed }}").message, "unclosed comment");
    EXPECT_EQ(parse_bad("{{ secret \"\" \"b\" }}").message,
              "secret: the source and the path must not be empty");
    // Found by fuzz_template: a literal past 64 bits threw out of the renderer.
    auto big = parse_bad("x\n{{ printf \"%d\" 99999999999999999999 }}");
    EXPECT_EQ(big.describe(),
              "t.tmpl:2:16: number 99999999999999999999 is out of range (at most 9223372036854775807)");
}

TEST(emissary_template, renders_only_when_every_value_is_present)
{
    auto ast =
        parse_ok(R"({{ secret "v" "a" "user" }}:{{ secret "v" "a" "/nested/pw" }}@{{ secret "kv" "host" }})");
    value_map values;
    auto r = render(ast, values, {});
    EXPECT_FALSE(r.complete());
    EXPECT_EQ(r.missing, (std::vector<std::string>{"kv host", "v a /nested/pw", "v a user"}));
    values[{"v", "a"}] = fetched{true, boost::json::parse(R"({"user":"u1","nested":{"pw":"p@ss"}})")};
    r = render(ast, values, {});
    EXPECT_EQ(r.missing, std::vector<std::string>{"kv host"});
    values[{"kv", "host"}] = str("db.local");
    r = render(ast, values, {});
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(*r.text, "u1:p@ss@db.local");
    EXPECT_TRUE(r.missing.empty());
}

TEST(emissary_template, empty_sentinel_absent_and_missing_field_are_missing)
{
    auto ast = parse_ok(R"({{ secret "kv" "k" }})");
    for (auto f :
         {fetched{true, boost::json::value("")}, str(std::string(intentionally_empty)), fetched{false, {}}})
    {
        value_map values{{{"kv", "k"}, f}};
        EXPECT_EQ(render(ast, values, {}).missing, std::vector<std::string>{"kv k"});
    }
    auto field = parse_ok(R"({{ secret "kv" "k" "nope" }})");
    value_map values{{{"kv", "k"}, str(R"({"yes":"1"})")}};
    EXPECT_FALSE(render(field, values, {}).complete());
    values[{"kv", "k"}] = str(R"({"nope":"1"})");
    EXPECT_EQ(render(field, values, {}).text, "1");
}

TEST(emissary_template, secret_or_waits_for_the_first_answer_then_defaults)
{
    auto ast = parse_ok(R"({{ secretOr "kv" "k" "f" "fallback" }})");
    value_map values;
    EXPECT_FALSE(render(ast, values, {}).complete());
    values[{"kv", "k"}] = fetched{false, {}};
    EXPECT_EQ(render(ast, values, {}).text, "fallback");
    values[{"kv", "k"}] = str(R"({"f":"real"})");
    EXPECT_EQ(render(ast, values, {}).text, "real");
}

TEST(emissary_template, env_filters_trimming_comments_and_delimiters)
{
    env_lookup env = [](const std::string& n) -> std::optional<std::string> {
        if (n == "NAME")
            return std::string("ab\"c");
        return std::nullopt;
    };
    value_map none;
    EXPECT_EQ(render(parse_ok(R"({{ env "NAME" | json }})"), none, env).text, R"("ab\"c")");
    EXPECT_EQ(render(parse_ok(R"({{ env "NAME" | quote }})"), none, env).text, R"("ab\"c")");
    EXPECT_EQ(render(parse_ok(R"({{ env "NAME" | base64 | base64decode }})"), none, env).text, "ab\"c");
    EXPECT_EQ(render(parse_ok("x  \n {{- /* note */ -}} \n y"), none, env).text, "xy");
    EXPECT_EQ(render(parse_ok("a {{- env \"NAME\" -}}  b"), none, env).text, "aab\"cb");
    EXPECT_EQ(render(parse_ok("{{ env \"NOPE\" }}"), none, env).missing,
              std::vector<std::string>{"env NOPE"});
    delimiters d{"[[", "]]"};
    EXPECT_EQ(render(parse_ok("{{ keep }} [[ env \"NAME\" | trim ]]", d), none, env).text,
              "{{ keep }} ab\"c");
    value_map v{{{"kv", "cert"}, str("l1\nl2")}};
    EXPECT_EQ(render(parse_ok("{{ secret \"kv\" \"cert\" | indent 2 }}"), v, env).text, "  l1\n  l2");
}

TEST(emissary_template, bad_base64_is_an_error_naming_the_reference_not_the_value)
{
    value_map v{{{"kv", "k"}, str("not*base64")}};
    auto r = render(parse_ok("{{ secret \"kv\" \"k\" | base64decode }}"), v, {});
    EXPECT_FALSE(r.complete());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "1:4: base64decode: not valid base64 (kv k)");
}

TEST(emissary_template, secrets_lists_each_outputs_value_before_and_after_filters)
{
    value_map v{{{"kv", "k"}, str("s3cret")}};
    auto r = render(parse_ok("a {{ env \"HOME\" }} {{ secret \"kv\" \"k\" | base64 }}"), v,
                    [](const std::string&) { return std::optional<std::string>("/home"); });
    ASSERT_EQ(r.secrets.size(), 2u);
    EXPECT_TRUE(r.secrets[0].empty());  // env and literals are not secrets
    EXPECT_EQ(r.secrets[1], (std::vector<std::string>{"s3cret", base64_encode("s3cret")}));
}

TEST(emissary_template, base64_round_trips)
{
    for (std::string s : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                          std::string("abcd"), std::string("\0\xff", 2)})
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
    EXPECT_FALSE(base64_decode("a==="));
    EXPECT_FALSE(base64_decode("ab=c"));
}

}  // namespace
}  // namespace vk::emissary
