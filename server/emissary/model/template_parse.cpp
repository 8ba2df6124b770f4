// The template parser: a scanner over the text that splits it into literal text and actions, then a small
// lexer and recursive-descent parser per action. Positions are counted once, from the start of the text.
#include "emissary/model/template.hpp"

#include <cctype>
#include <optional>

namespace vk::emissary {
namespace {

struct failure
{
    position where;
    std::string message;
};

position position_of(std::string_view text, std::size_t offset)
{
    position p;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    {
        if (text[i] == '\n')
        {
            ++p.line;
            p.column = 1;
        }
        else
            ++p.column;
    }
    return p;
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum class token_kind
{
    word,
    string,
    number,
    pipe,
};

struct token
{
    token_kind kind;
    std::string text;    // a string's decoded value
    std::size_t offset;  // in the whole template
};

// Go-style double-quoted string or backquoted raw string, starting at body[i].
std::optional<failure> read_string(std::string_view text, std::size_t base, std::string_view body,
                                   std::size_t& i, std::string& out)
{
    const char quote = body[i];
    const std::size_t start = i++;
    while (i < body.size() && body[i] != quote)
    {
        char c = body[i++];
        if (quote == '`')
        {
            out.push_back(c);
            continue;
        }
        if (c == '\n')
            return failure{position_of(text, base + start), "newline in string"};
        if (c != '\\')
        {
            out.push_back(c);
            continue;
        }
        if (i >= body.size())
            break;
        switch (char e = body[i++])
        {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        default: return failure{position_of(text, base + i - 2), std::string("unknown escape \\") + e};
        }
    }
    if (i >= body.size())
        return failure{position_of(text, base + start), "unterminated string"};
    ++i;
    return std::nullopt;
}

std::optional<failure> lex(std::string_view text, std::size_t base, std::string_view body,
                           std::vector<token>& out)
{
    std::size_t i = 0;
    while (i < body.size())
    {
        char c = body[i];
        if (is_space(c))
        {
            ++i;
            continue;
        }
        const std::size_t start = i;
        if (c == '|')
        {
            out.push_back({token_kind::pipe, "|", base + i++});
            continue;
        }
        if (c == '"' || c == '`')
        {
            std::string value;
            if (auto f = read_string(text, base, body, i, value))
                return f;
            out.push_back({token_kind::string, std::move(value), base + start});
            continue;
        }
        auto word = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
        if (!word(c))
            return failure{position_of(text, base + i), std::string("unexpected character '") + c + "'"};
        while (i < body.size() && word(body[i]))
            ++i;
        std::string w(body.substr(start, i - start));
        bool digits = std::all_of(w.begin(), w.end(),
                                  [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
        out.push_back({digits ? token_kind::number : token_kind::word, std::move(w), base + start});
    }
    return std::nullopt;
}

class action_parser
{
public:
    action_parser(std::string_view text, std::vector<token> tokens, std::size_t end_offset)
        : text_(text),
          tokens_(std::move(tokens)),
          end_(end_offset)
    {
    }

    std::optional<failure> parse(action& a)
    {
        if (tokens_.empty())
            return fail(end_, "empty action");
        a.where = position_of(text_, tokens_[0].offset);
        if (auto f = call(a))
            return f;
        while (i_ < tokens_.size())
        {
            if (tokens_[i_].kind != token_kind::pipe)
                return fail(tokens_[i_].offset,
                            "expected '|' or the end of the action, got '" + tokens_[i_].text + "'");
            ++i_;
            filter f;
            if (auto e = one_filter(f))
                return e;
            a.filters.push_back(f);
        }
        return std::nullopt;
    }

private:
    std::optional<failure> fail(std::size_t offset, std::string m) const
    {
        return failure{position_of(text_, offset), std::move(m)};
    }

    std::size_t here() const { return i_ < tokens_.size() ? tokens_[i_].offset : end_; }

    // The next `n` string literals.
    std::optional<failure> strings(std::size_t n, const std::string& fn, std::vector<std::string>& out)
    {
        for (std::size_t k = 0; k < n; ++k)
        {
            if (i_ >= tokens_.size() || tokens_[i_].kind != token_kind::string)
                return fail(here(), fn + ": argument " + std::to_string(k + 1) + " must be a string literal");
            out.push_back(tokens_[i_++].text);
        }
        return std::nullopt;
    }

    bool next_is_string() const { return i_ < tokens_.size() && tokens_[i_].kind == token_kind::string; }

    std::optional<failure> call(action& a)
    {
        const token& t = tokens_[i_];
        if (t.kind != token_kind::word)
            return fail(t.offset, "expected a function (secret, poll, secretOr, env)");
        ++i_;
        std::vector<std::string> args;
        if (t.text == "secret" || t.text == "poll")
        {
            a.kind = call_kind::secret;
            if (auto f = strings(2, t.text, args))
                return f;
            if (next_is_string())
                args.push_back(tokens_[i_++].text);
            args.resize(3);
        }
        else if (t.text == "secretOr")
        {
            a.kind = call_kind::secret_or;
            if (auto f = strings(4, t.text, args))
                return f;
            a.fallback = args[3];
        }
        else if (t.text == "env")
        {
            a.kind = call_kind::env;
            if (auto f = strings(1, t.text, args))
                return f;
            if (args[0].empty())
                return fail(t.offset, "env: the variable name is empty");
            a.env_name = args[0];
            return extra_argument(t.text);
        }
        else
            return fail(t.offset, "unknown function \"" + t.text + "\" (secret, poll, secretOr, env)");
        if (args[0].empty() || args[1].empty())
            return fail(t.offset, t.text + ": the source and the path must not be empty");
        a.dep = {args[0], args[1]};
        a.field = args[2];
        return extra_argument(t.text);
    }

    std::optional<failure> extra_argument(const std::string& fn) const
    {
        if (i_ < tokens_.size() && tokens_[i_].kind != token_kind::pipe)
            return fail(tokens_[i_].offset, fn + ": too many arguments");
        return std::nullopt;
    }

    std::optional<failure> one_filter(filter& f)
    {
        if (i_ >= tokens_.size() || tokens_[i_].kind != token_kind::word)
            return fail(here(), "expected a filter after '|'");
        const token& t = tokens_[i_++];
        static const std::pair<const char*, filter_kind> names[] = {
            {"json", filter_kind::json},     {"quote", filter_kind::quote},
            {"base64", filter_kind::base64}, {"base64decode", filter_kind::base64decode},
            {"trim", filter_kind::trim},     {"indent", filter_kind::indent},
            {"raw", filter_kind::raw},
        };
        for (const auto& [name, kind] : names)
            if (t.text == name)
                f.kind = kind;
        if (f.kind == filter_kind::raw && t.text != "raw")
            return fail(t.offset, "unknown filter \"" + t.text + "\"");
        if (f.kind != filter_kind::indent)
            return std::nullopt;
        if (i_ >= tokens_.size() || tokens_[i_].kind != token_kind::number || tokens_[i_].text.size() > 3)
            return fail(here(), "indent: expected a width from 0 to 999");
        f.width = std::stoi(tokens_[i_++].text);
        return std::nullopt;
    }

    std::string_view text_;
    std::vector<token> tokens_;
    std::size_t end_;
    std::size_t i_ = 0;
};

void trim_right(std::string& s)
{
    while (!s.empty() && is_space(s.back()))
        s.pop_back();
}

std::optional<failure> parse_all(std::string_view text, const delimiters& d, template_ast& ast)
{
    if (d.left.empty() || d.right.empty())
        return failure{{}, "the delimiters must not be empty"};
    std::size_t pos = 0;
    bool trim_next = false;
    while (pos <= text.size())
    {
        std::size_t open = text.find(d.left, pos);
        std::string literal(
            text.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos));
        if (trim_next)
            literal.erase(0, std::min(literal.size(), literal.find_first_not_of(" \t\r\n")));
        if (open == std::string_view::npos)
        {
            if (!literal.empty())
                ast.nodes.emplace_back(std::move(literal));
            return std::nullopt;
        }
        std::size_t body = open + d.left.size();
        // "{{- " trims the text before; the dash must be followed by a space (Go's rule).
        if (body + 1 < text.size() && text[body] == '-' && is_space(text[body + 1]))
        {
            trim_right(literal);
            ++body;
        }
        if (!literal.empty())
            ast.nodes.emplace_back(std::move(literal));
        std::size_t close = text.find(d.right, body);
        std::size_t comment = text.find_first_not_of(" \t\r\n", body);
        bool is_comment = comment != std::string_view::npos && text.substr(comment, 2) == "/*";
        if (is_comment)
        {
            std::size_t end = text.find("*/", comment + 2);
            if (end == std::string_view::npos)
                return failure{position_of(text, open), "unclosed comment"};
            close = text.find(d.right, end + 2);
        }
        if (close == std::string_view::npos)
            return failure{position_of(text, open), "unclosed action (no \"" + d.right + "\")"};
        std::size_t body_end = close;
        trim_next = false;
        if (close > body + 1 && text[close - 1] == '-' && is_space(text[close - 2]))
        {
            trim_next = true;
            --body_end;
        }
        pos = close + d.right.size();
        if (is_comment)
        {
            std::size_t after = text.find("*/", comment + 2) + 2;
            if (text.find_first_not_of(" \t\r\n", after) < body_end)
                return failure{position_of(text, after), "text after a comment inside an action"};
            continue;
        }
        std::vector<token> tokens;
        if (auto f = lex(text, body, text.substr(body, body_end - body), tokens))
            return f;
        action a;
        if (auto f = action_parser(text, std::move(tokens), body_end).parse(a))
            return f;
        ast.nodes.emplace_back(std::move(a));
    }
    return std::nullopt;
}

}  // namespace

std::string parse_error::describe() const
{
    return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message;
}

std::string action::reference() const
{
    if (kind == call_kind::env)
        return "env " + env_name;
    std::string r = dep.source + " " + dep.path;
    if (!field.empty())
        r += " " + field;
    return r;
}

std::set<dependency> template_ast::dependencies() const
{
    std::set<dependency> out;
    for (const auto& n : nodes)
        if (const auto* a = std::get_if<action>(&n); a && a->kind != call_kind::env)
            out.insert(a->dep);
    return out;
}

std::set<std::string> template_ast::env_names() const
{
    std::set<std::string> out;
    for (const auto& n : nodes)
        if (const auto* a = std::get_if<action>(&n); a && a->kind == call_kind::env)
            out.insert(a->env_name);
    return out;
}

std::set<std::string> template_ast::sources() const
{
    std::set<std::string> out;
    for (const auto& d : dependencies())
        out.insert(d.source);
    return out;
}

parse_outcome parse_template(std::string_view text, std::string_view file, const delimiters& d)
{
    parse_outcome out;
    if (auto f = parse_all(text, d, out.ast))
    {
        out.error = parse_error{std::string(file), f->where, std::move(f->message)};
        out.ast.nodes.clear();
    }
    return out;
}

}  // namespace vk::emissary
