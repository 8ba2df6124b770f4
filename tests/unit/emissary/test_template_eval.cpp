// Evaluating the template language: ranges over listings (empty, missing, present), safe* waiting, Go's
// truthiness in if / with / else, every helper with consul-template's argument order, errors, redaction.
#include "emissary/model/render.hpp"
#include "emissary/model/template.hpp"
#include "emissary/model/template_functions.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vk::emissary {
namespace {

template_ast eval_parse(std::string_view text)
{
    auto p = parse_template(text, "t.tmpl", {});
    EXPECT_TRUE(p.ok()) << (p.error ? p.error->describe() : "");
    return p.ast;
}

fetched eval_str(std::string s)
{
    return {true, boost::json::value(s)};
}

fetched eval_listing(std::vector<std::pair<std::string, std::string>> kv)
{
    return {true, consul_listing(kv)};
}

const dependency eval_app_tree{"kv", "app/", dep_kind::tree};

render_result eval_run(std::string_view text, const value_map& values)
{
    env_lookup env = [](const std::string& n) -> std::optional<std::string> {
        if (n == "ON")
            return std::string("yes");
        return std::nullopt;
    };
    return render(eval_parse(text), values, env);
}

std::string eval_text(std::string_view text, const value_map& values)
{
    auto r = eval_run(text, values);
    EXPECT_TRUE(r.complete()) << text << (r.errors.empty() ? "" : ": " + r.errors.front())
                              << (r.missing.empty() ? "" : " missing " + r.missing.front());
    return r.text.value_or("<incomplete>");
}

TEST(emissary_template_eval, tree_and_ls_yield_key_value_and_path_like_consul_template)
{
    value_map v{{eval_app_tree, eval_listing({{"app/", ""},  // the folder key itself
                                              {"app/a", "1"},
                                              {"app/db/", ""},
                                              {"app/db/host", "h"},
                                              {"app/z", "26"}})}};
    EXPECT_EQ(eval_text(R"({{ range tree "kv" "app/" }}{{ .Key }}={{ .Value }}@{{ .Path }};{{ end }})", v),
              "a=1@app/a;db/host=h@app/db/host;z=26@app/z;");
    EXPECT_EQ(eval_text(R"({{ range ls "kv" "app/" }}{{ .Key }}={{ .Value }};{{ end }})", v), "a=1;z=26;");
    // A prefix without its slash: the key is still relative (consul-template trims the leading '/').
    value_map nos{{{"kv", "app", dep_kind::tree}, eval_listing({{"app/a", "1"}})}};
    EXPECT_EQ(eval_text(R"({{ range ls "kv" "app" }}{{ .Key }}{{ end }})", nos), "a");
    EXPECT_EQ(eval_text(R"({{ range $i, $e := tree "kv" "app/" }}{{ $i }}:{{ $e.Key }} {{ end }})", v),
              "0:a 1:db/host 2:z ");
}

TEST(emissary_template_eval, an_empty_prefix_renders_an_empty_range_and_its_else)
{
    value_map v{{eval_app_tree, eval_listing({})}};
    EXPECT_EQ(eval_text(R"(x{{ range ls "kv" "app/" }}{{ .Key }}{{ end }}y)", v), "xy");
    EXPECT_EQ(eval_text(R"({{ range tree "kv" "app/" }}{{ .Key }}{{ else }}none{{ end }})", v), "none");
}

TEST(emissary_template_eval, a_listing_not_fetched_yet_waits_and_safe_forms_wait_while_empty)
{
    value_map none;
    auto r = eval_run(R"({{ range ls "kv" "app/" }}{{ end }})", none);
    EXPECT_FALSE(r.complete());
    EXPECT_EQ(r.missing, std::vector<std::string>{"ls kv app/"});
    EXPECT_TRUE(r.waiting_on.contains(eval_app_tree));

    value_map empty{{eval_app_tree, eval_listing({{"app/sub/deep", "x"}})}};
    r = eval_run(R"({{ range safeLs "kv" "app/" }}{{ .Key }}{{ end }})", empty);  // no direct child yet
    EXPECT_FALSE(r.complete());
    EXPECT_EQ(r.missing, std::vector<std::string>{"safeLs kv app/"});
    EXPECT_EQ(eval_text(R"({{ range safeTree "kv" "app/" }}{{ .Key }}{{ end }})", empty), "sub/deep");
    empty[eval_app_tree] = eval_listing({{"app/k", "v"}});
    EXPECT_EQ(eval_text(R"({{ range safeLs "kv" "app/" }}{{ .Key }}{{ end }})", empty), "k");
}

TEST(emissary_template_eval, a_map_ranges_in_key_order_and_a_list_in_its_own)
{
    value_map v{
        {eval_app_tree, eval_listing({{"app/z", "1"}, {"app/a", "2"}})}};  // as the source listed them
    EXPECT_EQ(
        eval_text(R"({{ range tree "kv" "app/" }}{{ range $k, $x := . }}{{ $k }} {{ end }}|{{ end }})", v),
        "Key Path Value |Key Path Value |");
    EXPECT_EQ(eval_text(R"({{ range tree "kv" "app/" }}{{ .Key }}{{ end }})", v), "za");
    EXPECT_EQ(
        eval_text(R"({{ range split "," "c,a,b,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s" }}{{ . }}{{ end }})", v),
        "cabdefghijklmnopqrs");
}

TEST(emissary_template_eval, vault_secrets_range_yields_names)
{
    value_map v{{{"v", "secret/apps/", dep_kind::secrets}, {true, boost::json::parse(R"(["a","b/","c"])")}}};
    EXPECT_EQ(eval_text(R"({{ range secrets "v" "secret/apps/" }}[{{ . }}]{{ end }})", v), "[a][b/][c]");
    v[{"v", "secret/apps/", dep_kind::secrets}] = {true, boost::json::array()};
    EXPECT_EQ(eval_text(R"({{ range secrets "v" "secret/apps/" }}{{ . }}{{ else }}empty{{ end }})", v),
              "empty");
    auto r = eval_run(R"({{ range secrets "v" "other/" }}{{ end }})", v);
    EXPECT_EQ(r.missing, std::vector<std::string>{"secrets v other/"});
}

TEST(emissary_template_eval, if_with_and_else_follow_go_truthiness)
{
    value_map v{{{"kv", "zero"}, eval_str("0")},
                {{"kv", "json"}, eval_str(R"({"on":true,"off":false,"n":0,"s":""})")}};
    for (auto [cond, want] : std::vector<std::pair<std::string, std::string>>{
             {R"("")", "F"},
             {R"("x")", "T"},
             {"0", "F"},
             {"7", "T"},
             {"true", "T"},
             {"false", "F"},
             {R"((split "," ""))", "F"},  // an empty list
             {R"((split "," "a"))", "T"},
             {R"(.)", "F"},                   // the top-level dot holds nothing (nil)
             {R"(secret "kv" "zero")", "T"},  // the string "0" is not empty
             {R"(not true)", "F"},
             {R"(and true "x" "")", "F"},
             {R"(or "" 0 "y")", "T"},
             {R"(eq "a" "b" "a")", "T"},
             {R"(ne 1 1)", "F"},
         })
        EXPECT_EQ(eval_text("{{ if " + cond + " }}T{{ else }}F{{ end }}", v), want) << cond;
    // An unset variable is missing (as everywhere): the template waits rather than take the else.
    EXPECT_EQ(eval_run(R"({{ if env "NOPE_NOT_SET" }}a{{ else }}c{{ end }})", {}).missing,
              std::vector<std::string>{"env NOPE_NOT_SET"});
    EXPECT_EQ(eval_text(R"({{ if false }}a{{ else if env "ON" }}b{{ else }}c{{ end }})", {}), "b");
    EXPECT_EQ(eval_text(R"({{ with env "ON" }}[{{ . }}]{{ else }}none{{ end }})", {}), "[yes]");
    EXPECT_EQ(eval_text(R"({{ with "" }}[{{ . }}]{{ else }}none{{ end }})", {}), "none");
    EXPECT_EQ(eval_text(R"({{ with secret "kv" "json" "n" }}{{ . }}{{ end }})", v), "0");  // the text "0"
}

TEST(emissary_template_eval, a_missing_value_in_a_condition_waits_and_an_untaken_branch_does_not)
{
    auto r = eval_run(R"({{ if secret "kv" "flag" }}a{{ end }})", {});
    EXPECT_EQ(r.missing, std::vector<std::string>{"kv flag"});
    EXPECT_EQ(eval_text(R"({{ if false }}{{ secret "kv" "never" }}{{ end }}ok)", {}), "ok");
}

TEST(emissary_template_eval, secret_is_a_pipeline_value)
{
    value_map v{{{"v", "p"}, fetched{true, boost::json::parse(R"({"f":"Mixed Case"})")}}};
    EXPECT_EQ(eval_text(R"({{ secret "v" "p" "f" | toUpper }})", v), "MIXED CASE");
    EXPECT_EQ(eval_text(R"({{ secret "v" "p" "f" | replaceAll " " "_" | toLower | quote }})", v),
              R"("mixed_case")");
    EXPECT_EQ(eval_text(R"({{ printf "%s/%d" (secret "v" "p" "f") 8 }})", v), "Mixed Case/8");
}

TEST(emissary_template_eval, every_helper_with_its_argument_order)
{
    value_map v{{{"kv", "csv"}, eval_str(" a,b,c ")}};
    EXPECT_EQ(eval_text(R"({{ "a.b.a" | replaceAll "a" "x" }})", v), "x.b.x");  // replaceAll old new s
    EXPECT_EQ(eval_text(R"({{ replaceAll "a" "x" "banana" }})", v), "bxnxnx");
    EXPECT_EQ(eval_text(R"({{ secret "kv" "csv" | split "," | join ";" }})", v), "a;b;c");  // split sep s
    EXPECT_EQ(eval_text(R"({{ range split "," (secret "kv" "csv") }}<{{ . }}>{{ end }})", v), "<a><b><c>");
    EXPECT_EQ(eval_text(R"({{ split ":" "x:y" | toJSON }})", v), R"(["x","y"])");
    EXPECT_EQ(eval_text(R"({{ join "-" (split "," "1,2") }})", v), "1-2");
    EXPECT_EQ(eval_text(R"({{ if "haystack" | contains "st" }}y{{ end }})", v), "y");  // contains needle s
    EXPECT_EQ(eval_text(R"({{ contains "zz" "haystack" }})", v), "false");
    EXPECT_EQ(eval_text(R"({{ split "," "a,b" | contains "b" }})", v), "true");
    EXPECT_EQ(eval_text(R"({{ toUpper "abC" }}{{ toLower "AbC" }})", v), "ABCabc");
    EXPECT_EQ(eval_text(R"({{ printf "%q %v %t %d%%" "a\"" "v" true 42 }})", v), R"("a\"" v true 42%)");
    EXPECT_EQ(eval_text(R"({{ "x" | printf "<%s>" }})", v), "<x>");  // the piped value is the last argument
    EXPECT_EQ(eval_text(R"({{ toJSON "a\"b" }})", v), R"("a\"b")");
    EXPECT_EQ(eval_text(R"({{ toJSON "<a&b>" }})", v), R"("\u003ca\u0026b\u003e")");  // as Go's json.Marshal
    EXPECT_EQ(eval_text(R"({{ len "abc" }} {{ len (split "," "a,b") }})", v), "3 2");
    EXPECT_EQ(eval_text(R"({{ "a\nb" | indent 2 }}|{{ " t " | trim }}|{{ "x" | base64 | base64decode }})", v),
              "  a\n  b|t|x");
}

TEST(emissary_template_eval, helper_errors_name_the_function_never_the_value)
{
    value_map v{{{"kv", "k"}, eval_str("s3cret")}};
    auto error_of = [&](std::string_view text) {
        auto r = eval_run(text, v);
        EXPECT_FALSE(r.complete());
        return r.errors.empty() ? std::string() : r.errors.front();
    };
    EXPECT_EQ(error_of(R"({{ secret "kv" "k" | join "," }})"),
              "1:4: join: the last argument must be a list (kv k)");
    EXPECT_EQ(error_of(R"({{ contains "a" 3 }})"),
              "1:4: contains: the last argument must be a string or a list");
    EXPECT_EQ(error_of(R"({{ printf "%d" (secret "kv" "k") }})"),
              "1:4: printf: %d needs a number (argument 1)");
    EXPECT_EQ(error_of(R"({{ printf "%x" 1 }})"), "1:4: printf: unsupported verb %x (%s %v %d %q %t %%)");
    EXPECT_EQ(error_of(R"({{ printf "%s %s" "a" }})"), "1:4: printf: no argument for %s");
    EXPECT_EQ(error_of(R"({{ printf "%s" "a" "b" }})"),
              "1:4: printf: more arguments than verbs in the format");
    EXPECT_EQ(error_of(R"({{ len 3 }})"), "1:4: len: needs a string, a list or a map");
    EXPECT_EQ(error_of(R"({{ range ls "kv" "app/" }}{{ .Nope }}{{ end }})").substr(0, 2), "");
    value_map l{{eval_app_tree, eval_listing({{"app/a", "1"}})}};
    auto r = eval_run(R"({{ range ls "kv" "app/" }}{{ .Vaule }}{{ end }})", l);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "1:30: can't evaluate field Vaule in a map");
    r = eval_run(R"({{ range "abc" }}{{ end }})", l);
    EXPECT_EQ(r.errors.at(0), "1:4: range: cannot iterate over a string");
}

TEST(emissary_template_eval, redaction_covers_every_value_a_range_rendered_and_not_keys)
{
    value_map v{{eval_app_tree, eval_listing({{"app/user", "alice-pw"}, {"app/db", "db-pw"}})}};
    auto r = eval_run(R"({{ range tree "kv" "app/" }}{{ .Key }}={{ .Value | toUpper }}{{ end }})", v);
    ASSERT_TRUE(r.complete());
    ASSERT_EQ(r.secrets.size(), 2u);
    EXPECT_TRUE(r.secrets[0].empty());  // keys are names, not secrets
    EXPECT_EQ(r.secrets[1], (std::vector<std::string>{"alice-pw", "ALICE-PW", "db-pw", "DB-PW"}));
    auto hidden = secret_strings(eval_app_tree, v.at(eval_app_tree));
    EXPECT_EQ(hidden, (std::vector<std::string>{"alice-pw", "db-pw"}));
    dependency names{"v", "f/", dep_kind::secrets};
    EXPECT_TRUE(secret_strings(names, {true, boost::json::parse(R"(["a"])")}).empty());
}

}  // namespace
}  // namespace vk::emissary
