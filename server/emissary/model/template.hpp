// The emissary template language: a small, Go-template-shaped subset whose every argument is a literal, so
// the dependencies of a template are known when it is parsed (no multi-pass evaluation, no `<no value>`).
//   {{ secret "<source>" "<path>" ["<field or /json/pointer>"] }}   ("poll" is an alias, for emissary users)
//   {{ secretOr "<source>" "<path>" "<field>" "<default>" }}        (the default when the value is absent)
//   {{ env "NAME" }}                                                 (the daemon's environment)
//   filters: | json | quote | base64 | base64decode | trim | indent N | raw
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

enum class call_kind
{
    secret,     // secret / poll
    secret_or,  // secretOr: the default when absent
    env,
};

enum class filter_kind
{
    json,
    quote,
    base64,
    base64decode,
    trim,
    indent,
    raw,
};

struct filter
{
    filter_kind kind = filter_kind::raw;
    int width = 0;  // indent N
};

// What a secret call reads: one value of a source (its whole content, or a field / JSON pointer in it).
struct dependency
{
    std::string source;
    std::string path;
    auto operator<=>(const dependency&) const = default;
};

struct action
{
    position where;
    call_kind kind = call_kind::secret;
    dependency dep;        // secret, secret_or
    std::string field;     // "" = the whole value; "/a/b" = JSON pointer; else a top-level key
    std::string fallback;  // secret_or
    std::string env_name;  // env
    std::vector<filter> filters;
    // "source path[ field]" or "env NAME": how a missing reference is named (never a value).
    std::string reference() const;
};

using node = std::variant<std::string, action>;

struct delimiters
{
    std::string left = "{{";
    std::string right = "}}";
};

struct template_ast
{
    std::vector<node> nodes;
    std::set<dependency> dependencies() const;
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
