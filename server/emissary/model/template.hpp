// The emissary template language: a Go-template-shaped subset with consul-template's function names and
// argument orders (our source name first), whose data arguments are literals, so that every dependency of a
// template is known when it is parsed (no multi-pass evaluation, no `<no value>`).
//   data:      {{ secret "<source>" "<path>" ["<field or /json/pointer>"] }}   ("poll" is an alias)
//              {{ secretOr "<source>" "<path>" "<field>" "<default>" }}   (the default when absent)
//              {{ env "NAME" }}                                            (the daemon's environment)
//   lists:     ls | tree | safeLs | safeTree "<consul source>" "<prefix>"  (.Key .Value .Path per entry;
//              ls = direct children, tree = every descendant; safe*: wait until the prefix has keys)
//              secrets "<vault source>" "<folder>"                         (names; folders end in '/')
//   certs:     pkiCert "<vault source>" "<pki mount>/issue/<role>" "key=value"...  (.Cert .Key .CA;
//              issued once, re-issued at ~2/3 of its validity; see pki.hpp)
//   blocks:    {{ if P }} {{ else if P }} {{ else }} {{ end }}, {{ with P }} (dot = P) {{ else }} {{ end }},
//              {{ range P }} / {{ range $v := P }} / {{ range $k, $v := P }} ... {{ else }} ... {{ end }}
//   operands:  "string" `raw` 12 true false . .Field $var $var.Field (pipeline)
//   functions: printf toJSON toUpper toLower replaceAll split join contains not and or eq ne len,
//              and the filters json quote base64 base64decode trim indent N raw; in a pipeline the value
//              on the left is the LAST argument of the function on the right (Go's rule).
//   {{- and -}} trim the whitespace beside them; {{/* comments */}}; the delimiters are configurable.
#ifndef VAULTKEEPER_SERVER_EMISSARY_MODEL_TEMPLATE_HPP
#define VAULTKEEPER_SERVER_EMISSARY_MODEL_TEMPLATE_HPP

#include "core/error.hpp"

#include <compare>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vk::emissary {

struct position
{
    std::size_t line = 1;
    std::size_t column = 1;  // in bytes, from 1
};

// A parse error always has a position; describe() is "file:line:column: message".
struct parse_error
{
    std::string file;
    position where;
    std::string message;
    std::string describe() const;
};

// What a dependency reads: one value, or a listing under a prefix.
enum class dep_kind
{
    value,    // secret / secretOr: one value of a source
    tree,     // ls / tree (and the safe forms): every Consul key under the prefix, with its value
    secrets,  // secrets: the names in one Vault KV folder
    pki,      // pkiCert: a certificate issued by a Vault PKI role (path = "<mount>/issue/<role>")
};

// One thing a template reads from a source (a listing's path is its prefix or folder). ls and tree read the
// same listing (ls keeps the direct children), so both are a `tree` dependency: one fetch, one watch.
struct dependency
{
    std::string source;
    std::string path;
    dep_kind kind = dep_kind::value;
    // pkiCert: the request's "key=value" parameters, sorted (two calls with the same ones are one
    // certificate)
    std::vector<std::string> params;
    auto operator<=>(const dependency&) const = default;
};

// A data function's call site: what the template reads there, checked at config time and named when missing.
enum class call_kind
{
    secret,     // secret / poll
    secret_or,  // secretOr: the default when absent
    env,
    ls,        // direct children
    tree,      // every descendant
    secrets,   // a Vault KV folder's names
    pki_cert,  // pkiCert: {Cert, Key, CA}
};

struct call_site
{
    position where;
    call_kind kind = call_kind::secret;
    bool safe = false;     // safeLs / safeTree: wait while the prefix is empty
    dependency dep;        // all but env
    std::string field;     // secret: "" = the whole value; "/a/b" = JSON pointer; else a top-level key
    std::string fallback;  // secret_or
    std::string env_name;  // env
    // How a missing reference is named (never a value): "source path[ field]", "env NAME", or
    // "safeLs source prefix" / "safeTree source prefix".
    std::string reference() const;
};

struct pipeline;

// An argument: a literal, the dot, a variable, a field chain on either, or a parenthesized pipeline.
enum class operand_kind
{
    string,
    number,
    boolean,
    dot,       // . or .A.B
    variable,  // $x or $x.A.B ($ alone is the top-level dot)
    pipeline,  // ( ... )
};

struct operand
{
    operand_kind kind = operand_kind::string;
    position where;
    std::string text;                 // the string, number, "true"/"false", or the variable's name
    std::vector<std::string> fields;  // .A.B
    std::vector<pipeline> inner;      // the parenthesized pipeline (one)
};

// A function and its explicit arguments, or one operand alone (name empty).
struct command
{
    position where;
    std::string name;
    std::vector<operand> args;
    int call = -1;  // a data function: its index in template_ast::calls
};

struct pipeline
{
    position where;
    std::vector<std::string> variables;  // range: $v or $k, $v
    std::vector<command> commands;       // each after the first gets the value on its left as last argument
};

enum class node_kind
{
    text,
    output,  // {{ pipeline }}
    if_,     // else_nodes holds an `else if` as a single if node
    with,
    range,
};

struct node
{
    node_kind kind = node_kind::text;
    position where;
    std::string text;             // text
    pipeline pipe;                // output, if, with, range
    std::vector<node> body;       // if, with, range
    std::vector<node> else_body;  // {{ else }}
    std::size_t output = 0;       // output: its number, in template order (render_result::secrets)
};

struct delimiters
{
    std::string left = "{{";
    std::string right = "}}";
};

struct template_ast
{
    std::vector<node> nodes;
    std::vector<call_site> calls;  // every data function, in template order
    std::size_t outputs = 0;       // how many output nodes
    // What the shell fetches: every value and listing (source, path, kind).
    std::set<dependency> dependencies() const;
    std::set<dependency> value_dependencies() const;
    std::set<dependency> list_dependencies() const;
    std::set<std::string> env_names() const;
    std::set<std::string> sources() const;
};

// Text -> AST, or the first error with its position. Pure; never throws on any input.
struct parse_outcome
{
    template_ast ast;
    std::optional<parse_error> error;  // set on failure (the first error); the ast is then meaningless
    bool ok() const { return !error; }
};
parse_outcome parse_template(std::string_view text, std::string_view file, const delimiters& d);

}  // namespace vk::emissary

#endif
