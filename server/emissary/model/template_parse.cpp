// The template parser: the scanner's pieces (template_scan.hpp) become a tree of text, output, if, with and
// range nodes. Each action is parsed by recursive descent (pipeline -> commands -> operands); blocks are kept
// on a stack until their {{ end }}. Data functions are checked here (literal arguments, no piped value) and
// recorded as call sites, so the dependencies are known without evaluating anything.
#include "emissary/model/template.hpp"

#include "emissary/model/template_functions.hpp"
#include "emissary/model/template_scan.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace vk::emissary {
namespace {

// A number literal the evaluator can hold: decimal digits that fit a signed 64-bit integer.
bool fits_int64(const std::string& digits)
{
    long long v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return ec == std::errc{} && end == digits.data() + digits.size();
}

using scan::failure;
using scan::token;
using scan::token_kind;

std::vector<std::string> split_chain(const std::string& chain)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < chain.size())
    {
        auto dot = chain.find('.', pos);
        out.push_back(chain.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
        pos = dot == std::string::npos ? chain.size() : dot + 1;
    }
    return out;
}

const std::pair<std::string_view, call_kind> data_kinds[] = {
    {"secret", call_kind::secret},    {"poll", call_kind::secret},   {"secretOr", call_kind::secret_or},
    {"env", call_kind::env},          {"ls", call_kind::ls},         {"safeLs", call_kind::ls},
    {"tree", call_kind::tree},        {"safeTree", call_kind::tree}, {"secrets", call_kind::secrets},
    {"pkiCert", call_kind::pki_cert},
};

// One action's tokens. `variables` are the names in scope (range variables of the enclosing blocks).
class action_parser
{
public:
    action_parser(const scan::locator& text, const scan::piece& p, template_ast& ast,
                  const std::vector<std::string>& variables)
        : text_(text),
          tokens_(p.tokens),
          end_(p.end),
          ast_(ast),
          variables_(variables)
    {
    }

    bool at_end() const { return i_ >= tokens_.size(); }
    const token* peek() const { return at_end() ? nullptr : &tokens_[i_]; }
    void skip() { ++i_; }
    std::size_t here() const { return at_end() ? end_ : tokens_[i_].offset; }

    std::optional<failure> fail(std::size_t offset, std::string m) const
    {
        return failure{text_.at(offset), std::move(m)};
    }

    // A whole pipeline up to the end of the action (or the closing parenthesis when `nested`).
    std::optional<failure> parse_pipeline(pipeline& p, bool allow_declaration, bool nested)
    {
        p.where = text_.at(here());
        if (allow_declaration)
            if (auto f = declaration(p))
                return f;
        for (;;)
        {
            const bool piped = !p.commands.empty();
            if (at_end() || (nested && peek()->kind == token_kind::close))
                return fail(here(), piped ? "expected a function after '|'" : "missing the pipeline");
            command c;
            if (auto f = parse_command(c, piped))
                return f;
            p.commands.push_back(std::move(c));
            if (at_end() || (nested && peek()->kind == token_kind::close))
                return std::nullopt;
            if (peek()->kind != token_kind::pipe)
                return fail(here(), "expected '|' or the end of the action, got '" + peek()->text + "'");
            skip();
        }
    }

private:
    // `$v :=` or `$k, $v :=` before a range's pipeline.
    std::optional<failure> declaration(pipeline& p)
    {
        std::size_t j = i_;
        std::vector<std::string> names;
        while (j < tokens_.size() && tokens_[j].kind == token_kind::variable && names.size() < 2)
        {
            names.push_back(tokens_[j++].text);
            if (j < tokens_.size() && tokens_[j].kind == token_kind::comma)
                ++j;
            else
                break;
        }
        if (names.empty() || j >= tokens_.size() || tokens_[j].kind != token_kind::declare)
            return std::nullopt;
        for (const auto& n : names)
            if (n.empty() || n.find('.') != std::string::npos)
                return fail(tokens_[i_].offset, "range: a variable must be a plain name like $v");
        p.variables = std::move(names);
        i_ = j + 1;
        return std::nullopt;
    }

    std::optional<failure> parse_command(command& c, bool piped)
    {
        const token& t = tokens_[i_];
        c.where = text_.at(t.offset);
        if (t.kind != token_kind::word || t.text == "true" || t.text == "false")
        {
            operand o;
            if (auto f = parse_operand(o))
                return f;
            c.args.push_back(std::move(o));
            if (piped)
                return fail(t.offset, "only a function can take a piped value");
            if (!at_end() && peek()->kind != token_kind::pipe && peek()->kind != token_kind::close)
                return fail(here(), "unexpected '" + peek()->text + "' after an operand");
            return std::nullopt;
        }
        if (t.text == "if" || t.text == "else" || t.text == "with" || t.text == "range" || t.text == "end")
            return fail(t.offset, "\"" + t.text + "\" must start its action");
        const function_info* info = find_function(t.text);
        if (!info)
            return fail(t.offset, "unknown function \"" + t.text + "\"");
        c.name = t.text;
        skip();
        if (c.name == "indent" && (at_end() || peek()->kind != token_kind::number || peek()->text.size() > 3))
            return fail(here(), "indent: expected a width from 0 to 999");
        while (!at_end() && peek()->kind != token_kind::pipe && peek()->kind != token_kind::close)
        {
            operand o;
            if (auto f = parse_operand(o))
                return f;
            c.args.push_back(std::move(o));
        }
        if (info->data)
            return data_call(c, t, piped);
        return check_arity(c, *info, t, piped);
    }

    std::optional<failure> check_arity(const command& c, const function_info& info, const token& t,
                                       bool piped)
    {
        const int n = static_cast<int>(c.args.size()) + (piped ? 1 : 0);
        if (n < info.min_args || (info.max_args >= 0 && n > info.max_args))
            return fail(t.offset, c.name + ": wants " + std::to_string(info.min_args) +
                                      (info.max_args == info.min_args ? ""
                                       : info.max_args < 0            ? " or more"
                                                           : " to " + std::to_string(info.max_args)) +
                                      " arguments (a piped value counts as the last), got " +
                                      std::to_string(n));
        return std::nullopt;
    }

    // secret, secretOr, env, ls, tree, safe*, secrets: literal arguments, recorded as a call site.
    std::optional<failure> data_call(command& c, const token& t, bool piped)
    {
        if (piped)
            return fail(t.offset, t.text + ": cannot take a piped value (its arguments are literals)");
        const function_info& info = *find_function(t.text);
        std::vector<std::string> args;
        for (std::size_t k = 0; k < c.args.size() || static_cast<int>(k) < info.min_args; ++k)
        {
            if (info.max_args >= 0 && static_cast<int>(k) >= info.max_args)
                return failure{c.args[k].where, t.text + ": too many arguments"};
            const std::string m =
                t.text + ": argument " + std::to_string(k + 1) + " must be a string literal";
            if (k >= c.args.size())
                return fail(here(), m);
            if (c.args[k].kind != operand_kind::string)
                return failure{c.args[k].where, m};
            args.push_back(c.args[k].text);
        }
        call_site s;
        s.where = c.where;
        s.kind = std::find_if(std::begin(data_kinds), std::end(data_kinds), [&](const auto& d) {
                     return d.first == t.text;
                 })->second;
        s.safe = t.text.starts_with("safe");
        if (auto f = s.kind == call_kind::pki_cert ? pki_call(s, c, t, args) : fill_call(s, t, args))
            return f;
        c.call = static_cast<int>(ast_.calls.size());
        ast_.calls.push_back(std::move(s));
        return std::nullopt;
    }

    std::optional<failure> fill_call(call_site& s, const token& t, std::vector<std::string>& args)
    {
        if (s.kind == call_kind::env)
        {
            if (args[0].empty())
                return fail(t.offset, "env: the variable name is empty");
            s.env_name = args[0];
            return std::nullopt;
        }
        const bool list =
            s.kind == call_kind::ls || s.kind == call_kind::tree || s.kind == call_kind::secrets;
        if (args[0].empty() || (!list && args[1].empty()))
            return fail(t.offset, t.text + (list ? ": the source must not be empty"
                                                 : ": the source and the path must not be empty"));
        // consul-template renders nothing for an empty prefix; a whole-KV listing is never meant.
        if (args[1].empty() && s.kind != call_kind::secrets)
            return fail(t.offset, t.text + ": the prefix must not be empty");
        s.dep = {args[0], args[1],
                 !list                          ? dep_kind::value
                 : s.kind == call_kind::secrets ? dep_kind::secrets
                                                : dep_kind::tree};
        if (s.kind == call_kind::secret && args.size() == 3)
            s.field = args[2];
        if (s.kind == call_kind::secret_or)
        {
            s.field = args[2];
            s.fallback = args[3];
        }
        return std::nullopt;
    }

    // pkiCert "<source>" "<mount>/issue/<role>" "key=value"...: the parameters sorted, each key once.
    std::optional<failure> pki_call(call_site& s, const command& c, const token& t,
                                    std::vector<std::string>& args)
    {
        if (args[0].empty())
            return fail(t.offset, "pkiCert: the source must not be empty");
        const auto issue = args[1].find("/issue/");
        if (issue == std::string::npos || issue == 0 || args[1].ends_with("/issue/"))
            return failure{c.args[1].where, "pkiCert: the path must be \"<pki mount>/issue/<role>\""};
        std::set<std::string> keys;
        for (std::size_t k = 2; k < args.size(); ++k)
        {
            const auto eq = args[k].find('=');
            if (eq == std::string::npos || eq == 0)
                return failure{c.args[k].where, "pkiCert: argument " + std::to_string(k + 1) +
                                                    " must be \"key=value\" with a non-empty key"};
            if (!keys.insert(args[k].substr(0, eq)).second)
                return failure{c.args[k].where,
                               "pkiCert: parameter \"" + args[k].substr(0, eq) + "\" given twice"};
        }
        std::vector<std::string> params(args.begin() + 2, args.end());
        std::sort(params.begin(), params.end());
        s.dep = {args[0], args[1], dep_kind::pki, std::move(params)};
        return std::nullopt;
    }

    std::optional<failure> parse_operand(operand& o)
    {
        const token& t = tokens_[i_];
        o.where = text_.at(t.offset);
        skip();
        switch (t.kind)
        {
        case token_kind::string: o.kind = operand_kind::string; break;
        case token_kind::number:
            o.kind = operand_kind::number;
            if (!fits_int64(t.text))
                return fail(t.offset, "number " + t.text + " is out of range (at most 9223372036854775807)");
            break;
        case token_kind::field:
            o.kind = operand_kind::dot;
            o.fields = split_chain(t.text);
            return std::nullopt;
        case token_kind::variable: return variable(o, t);
        case token_kind::open: return nested(o, t);
        case token_kind::word:
            if (t.text == "true" || t.text == "false")
            {
                o.kind = operand_kind::boolean;
                break;
            }
            if (find_function(t.text))
                return fail(t.offset, t.text + ": a function used as an argument must be in parentheses");
            return fail(t.offset, "unknown function \"" + t.text + "\"");
        default: return fail(t.offset, "unexpected '" + t.text + "'");
        }
        o.text = t.text;
        return std::nullopt;
    }

    std::optional<failure> variable(operand& o, const token& t)
    {
        o.kind = operand_kind::variable;
        auto parts = split_chain(t.text);
        o.text = parts.empty() ? "" : parts.front();
        if (!parts.empty())
            o.fields.assign(parts.begin() + 1, parts.end());
        if (!o.text.empty() && std::find(variables_.begin(), variables_.end(), o.text) == variables_.end())
            return fail(t.offset, "undefined variable $" + o.text);
        return std::nullopt;
    }

    std::optional<failure> nested(operand& o, const token& t)
    {
        o.kind = operand_kind::pipeline;
        o.inner.emplace_back();
        if (auto f = parse_pipeline(o.inner.back(), false, true))
            return f;
        if (at_end())
            return fail(t.offset, "unclosed '('");
        skip();
        return std::nullopt;
    }

    const scan::locator& text_;
    const std::vector<token>& tokens_;
    std::size_t end_;
    template_ast& ast_;
    const std::vector<std::string>& variables_;
    std::size_t i_ = 0;
};

// The open blocks, innermost last, and the names in scope.
class tree_builder
{
public:
    tree_builder(const scan::locator& text, template_ast& ast)
        : text_(text),
          ast_(ast)
    {
    }

    std::optional<failure> add(const scan::piece& p)
    {
        if (p.is_text)
        {
            node n;
            n.text = p.text;
            target().push_back(std::move(n));
            return std::nullopt;
        }
        if (p.tokens.empty())
            return failure{text_.at(p.end), "empty action"};
        action_parser a(text_, p, ast_, variables_);
        const token& first = p.tokens.front();
        const std::string keyword = first.kind == token_kind::word ? first.text : "";
        if (keyword == "end")
            return end(a, first);
        if (keyword == "else")
            return otherwise(a, first);
        if (keyword == "if" || keyword == "with" || keyword == "range")
            return open(a, first, keyword, false);
        node n;
        n.kind = node_kind::output;
        n.where = text_.at(first.offset);
        n.output = ast_.outputs++;
        if (auto f = a.parse_pipeline(n.pipe, false, false))
            return f;
        target().push_back(std::move(n));
        return std::nullopt;
    }

    std::optional<failure> finish() const
    {
        if (stack_.empty())
            return std::nullopt;
        const auto& f = stack_.front();
        return failure{f.n.where, "unclosed " + name(f.n.kind) + " (no {{ end }})"};
    }

private:
    struct frame
    {
        node n;
        bool in_else = false;
        bool chained = false;  // an `else if`: closed by its first if's {{ end }}
        std::size_t variables_before = 0;
    };

    static std::string name(node_kind k)
    {
        return k == node_kind::if_ ? "if" : k == node_kind::with ? "with" : "range";
    }

    std::vector<node>& target()
    {
        if (stack_.empty())
            return ast_.nodes;
        auto& f = stack_.back();
        return f.in_else ? f.n.else_body : f.n.body;
    }

    std::optional<failure> open(action_parser& a, const token& first, const std::string& keyword,
                                bool chained)
    {
        frame f;
        f.n.kind = keyword == "if" ? node_kind::if_ : keyword == "with" ? node_kind::with : node_kind::range;
        f.n.where = text_.at(first.offset);
        f.chained = chained;
        f.variables_before = variables_.size();
        a.skip();
        if (a.at_end())
            return a.fail(a.here(), keyword + ": missing the pipeline");
        if (auto e = a.parse_pipeline(f.n.pipe, keyword == "range", false))
            return e;
        variables_.insert(variables_.end(), f.n.pipe.variables.begin(), f.n.pipe.variables.end());
        stack_.push_back(std::move(f));
        return std::nullopt;
    }

    std::optional<failure> otherwise(action_parser& a, const token& first)
    {
        if (stack_.empty())
            return a.fail(first.offset, "{{ else }} outside if, with or range");
        auto& f = stack_.back();
        if (f.in_else)
            return a.fail(first.offset, "a second {{ else }} in this " + name(f.n.kind));
        f.in_else = true;
        variables_.resize(f.variables_before);  // a range's variables are not set in its else
        a.skip();
        if (a.at_end())
            return std::nullopt;
        const token* next = a.peek();
        if (next->kind != token_kind::word || next->text != "if" || f.n.kind != node_kind::if_)
            return a.fail(next->offset, "expected {{ else }} or {{ else if ... }} after an if");
        return open(a, *next, "if", true);
    }

    std::optional<failure> end(action_parser& a, const token& first)
    {
        a.skip();
        if (!a.at_end())
            return a.fail(a.here(), "end: unexpected '" + a.peek()->text + "'");
        if (stack_.empty())
            return a.fail(first.offset, "{{ end }} without an if, with or range");
        for (;;)
        {
            frame f = std::move(stack_.back());
            stack_.pop_back();
            variables_.resize(f.variables_before);
            target().push_back(std::move(f.n));
            if (!f.chained)
                return std::nullopt;
        }
    }

    const scan::locator& text_;
    template_ast& ast_;
    std::vector<frame> stack_;
    std::vector<std::string> variables_;
};

}  // namespace

parse_outcome parse_template(std::string_view text, std::string_view file, const delimiters& d)
{
    parse_outcome out;
    std::vector<scan::piece> pieces;
    auto f = scan::scan_all(text, d, pieces);
    const scan::locator lines(text);
    tree_builder b(lines, out.ast);
    for (std::size_t i = 0; !f && i < pieces.size(); ++i)
        f = b.add(pieces[i]);
    if (!f)
        f = b.finish();
    if (f)
    {
        out.error = parse_error{std::string(file), f->where, std::move(f->message)};
        out.ast = template_ast{};
    }
    return out;
}

}  // namespace vk::emissary
