// The template language's blocks, pipelines and list functions: what the parser builds and refuses (with
// positions), and the dependencies it finds without evaluating anything.
#include "emissary/model/template.hpp"

#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

template_ast blocks_parse(std::string_view text)
{
    auto p = parse_template(text, "t.tmpl", {});
    EXPECT_TRUE(p.ok()) << (p.error ? p.error->describe() : "");
    return p.ast;
}

std::string blocks_parse_bad(std::string_view text)
{
    auto p = parse_template(text, "t.tmpl", {});
    EXPECT_FALSE(p.ok()) << text;
    return p.error ? p.error->describe() : "";
}

TEST(emissary_template_blocks, each_construct_builds_its_node)
{
    auto ast = blocks_parse(R"(a{{ if env "X" }}b{{ else if env "Y" }}c{{ else }}d{{ end }}e)");
    ASSERT_EQ(ast.nodes.size(), 3u);
    const node& n = ast.nodes[1];
    EXPECT_EQ(n.kind, node_kind::if_);
    ASSERT_EQ(n.body.size(), 1u);
    ASSERT_EQ(n.else_body.size(), 1u);
    EXPECT_EQ(n.else_body[0].kind, node_kind::if_);  // else if: an if alone in the else
    EXPECT_EQ(n.else_body[0].else_body[0].text, "d");

    ast = blocks_parse(R"({{ with secret "v" "p" "f" }}{{ . }}{{ else }}none{{ end }})");
    EXPECT_EQ(ast.nodes[0].kind, node_kind::with);
    EXPECT_EQ(ast.nodes[0].else_body[0].text, "none");

    ast = blocks_parse(R"({{ range $k, $v := tree "kv" "app/" }}{{ $k }}={{ $v.Value | toUpper }}{{ end }})");
    const node& r = ast.nodes[0];
    EXPECT_EQ(r.kind, node_kind::range);
    EXPECT_EQ(r.pipe.variables, (std::vector<std::string>{"k", "v"}));
    ASSERT_EQ(r.body.size(), 3u);
    EXPECT_EQ(r.body[2].pipe.commands.size(), 2u);
    EXPECT_EQ(r.body[2].pipe.commands[0].args[0].fields, std::vector<std::string>{"Value"});
    EXPECT_EQ(ast.outputs, 2u);
}

TEST(emissary_template_blocks, nesting_and_parenthesized_pipelines)
{
    auto ast =
        blocks_parse(R"({{ range ls "kv" "a/" }}{{ if contains "x" (.Value | toLower) }}{{ with .Key }})"
                     R"({{ printf "%s!" . }}{{ end }}{{ end }}{{ end }})");
    const node& inner = ast.nodes[0].body[0].body[0];
    EXPECT_EQ(inner.kind, node_kind::with);
    EXPECT_EQ(ast.nodes[0].body[0].pipe.commands[0].args[1].kind, operand_kind::pipeline);
}

TEST(emissary_template_blocks, list_and_value_dependencies_are_known_at_parse_time)
{
    auto ast =
        blocks_parse(R"({{ range ls "kv" "a/" }}{{ end }}{{ range safeTree "kv" "a/" }}{{ end }})"
                     R"({{ range secrets "v" "secret/apps/" }}{{ . }}{{ end }})"
                     R"({{ if true }}{{ secret "v" "secret/x" "f" | toUpper }}{{ end }}{{ env "E" }})");
    // ls and tree under one prefix are one listing (one fetch, one watch).
    EXPECT_EQ(ast.list_dependencies(),
              (std::set<dependency>{{"kv", "a/", dep_kind::tree}, {"v", "secret/apps/", dep_kind::secrets}}));
    EXPECT_EQ(ast.value_dependencies(), (std::set<dependency>{{"v", "secret/x"}}));
    EXPECT_EQ(ast.dependencies().size(), 3u);
    EXPECT_EQ(ast.env_names(), std::set<std::string>{"E"});
    ASSERT_EQ(ast.calls.size(), 5u);
    EXPECT_EQ(ast.calls[0].reference(), "ls kv a/");
    EXPECT_EQ(ast.calls[1].reference(), "safeTree kv a/");
    EXPECT_TRUE(ast.calls[1].safe);
    EXPECT_EQ(ast.calls[2].reference(), "secrets v secret/apps/");
}

TEST(emissary_template_blocks, errors_carry_file_line_and_column)
{
    EXPECT_EQ(blocks_parse_bad("x\n {{ range ls \"kv\" \"a/\" }}"),
              "t.tmpl:2:5: unclosed range (no {{ end }})");
    EXPECT_EQ(blocks_parse_bad("{{ if true }}{{ with true }}{{ end }}"),
              "t.tmpl:1:4: unclosed if (no {{ end }})");
    EXPECT_EQ(blocks_parse_bad("a {{ end }}"), "t.tmpl:1:6: {{ end }} without an if, with or range");
    EXPECT_EQ(blocks_parse_bad("a\nb\n\n  {{ end }}"), "t.tmpl:4:6: {{ end }} without an if, with or range");
    EXPECT_EQ(blocks_parse_bad("{{ if true }}\n{{ else }}\n x {{ else }}{{ end }}"),
              "t.tmpl:3:7: a second {{ else }} in this if");
    EXPECT_EQ(blocks_parse_bad("{{ else }}"), "t.tmpl:1:4: {{ else }} outside if, with or range");
    EXPECT_EQ(blocks_parse_bad("{{ if true }}{{ else }}{{ else }}{{ end }}"),
              "t.tmpl:1:27: a second {{ else }} in this if");
    EXPECT_EQ(blocks_parse_bad("{{ range ls \"kv\" \"a\" }}{{ else if true }}{{ end }}"),
              "t.tmpl:1:32: expected {{ else }} or {{ else if ... }} after an if");
    EXPECT_EQ(blocks_parse_bad("{{ range ls \"kv\" .Key }}{{ end }}"),
              "t.tmpl:1:18: ls: argument 2 must be a string literal");
    EXPECT_EQ(blocks_parse_bad("{{ range tree \"kv\" }}{{ end }}"),
              "t.tmpl:1:20: tree: argument 2 must be a string literal");
    EXPECT_EQ(blocks_parse_bad("{{ range ls \"kv\" \"a\" \"b\" }}{{ end }}"),
              "t.tmpl:1:22: ls: too many arguments");
    EXPECT_EQ(blocks_parse_bad("{{ range safeTree \"kv\" \"\" }}{{ end }}"),
              "t.tmpl:1:10: safeTree: the prefix must not be empty");
    EXPECT_EQ(blocks_parse_bad("{{ range ls \"\" \"a/\" }}{{ end }}"),
              "t.tmpl:1:10: ls: the source must not be empty");
    EXPECT_EQ(blocks_parse_bad("{{ range lss \"kv\" \"a\" }}{{ end }}"),
              "t.tmpl:1:10: unknown function \"lss\"");
    EXPECT_EQ(blocks_parse_bad("{{ toUpper \"a\" \"b\" }}"),
              "t.tmpl:1:4: toUpper: wants 1 arguments (a piped value counts as the last), got 2");
    EXPECT_EQ(blocks_parse_bad("{{ \"a\" | replaceAll \"x\" }}"),
              "t.tmpl:1:10: replaceAll: wants 3 arguments (a piped value counts as the last), got 2");
    EXPECT_EQ(blocks_parse_bad("{{ env \"A\" | secret \"v\" \"p\" }}"),
              "t.tmpl:1:14: secret: cannot take a piped value (its arguments are literals)");
    EXPECT_EQ(blocks_parse_bad("{{ $x }}"), "t.tmpl:1:4: undefined variable $x");
    EXPECT_EQ(blocks_parse_bad("{{ range $v := ls \"kv\" \"a\" }}{{ else }}{{ $v }}{{ end }}"),
              "t.tmpl:1:43: undefined variable $v");
    EXPECT_EQ(blocks_parse_bad("{{ if }}{{ end }}"), "t.tmpl:1:7: if: missing the pipeline");
    EXPECT_EQ(blocks_parse_bad("{{ end x }}"), "t.tmpl:1:8: end: unexpected 'x'");
    EXPECT_EQ(blocks_parse_bad("{{ printf \"%s\" toUpper }}"),
              "t.tmpl:1:16: toUpper: a function used as an argument must be in parentheses");
    EXPECT_EQ(blocks_parse_bad("{{ toUpper (\"a\" }}"), "t.tmpl:1:12: unclosed '('");
    EXPECT_EQ(blocks_parse_bad("{{ \"a\" | \"b\" }}"), "t.tmpl:1:10: only a function can take a piped value");
    EXPECT_EQ(blocks_parse_bad("{{ secret \"v\" \"p\" | indent x }}"),
              "t.tmpl:1:28: indent: expected a width from 0 to 999");
}

}  // namespace
}  // namespace vk::emissary
