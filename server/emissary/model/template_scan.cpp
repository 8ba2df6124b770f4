// The scanner and the lexer (see template_scan.hpp).
#include "emissary/model/template_scan.hpp"

#include <algorithm>
#include <cctype>

namespace vk::emissary::scan {
namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_word(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

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

// A name and its ".A.B" chain from body[i] (the leading '.' or '$' already consumed).
std::string read_chain(std::string_view body, std::size_t& i)
{
    const std::size_t start = i;
    for (;;)
    {
        while (i < body.size() && is_word(body[i]))
            ++i;
        if (i + 1 < body.size() && body[i] == '.' && is_word(body[i + 1]))
            ++i;
        else
            break;
    }
    return std::string(body.substr(start, i - start));
}

std::optional<failure> lex(std::string_view text, std::size_t base, std::string_view body,
                           std::vector<token>& out)
{
    static constexpr std::pair<char, token_kind> singles[] = {
        {'|', token_kind::pipe}, {',', token_kind::comma}, {'(', token_kind::open}, {')', token_kind::close}};
    std::size_t i = 0;
    while (i < body.size())
    {
        const char c = body[i];
        const std::size_t start = i;
        if (is_space(c))
        {
            ++i;
            continue;
        }
        auto single =
            std::find_if(std::begin(singles), std::end(singles), [&](auto& s) { return s.first == c; });
        if (single != std::end(singles))
        {
            out.push_back({single->second, std::string(1, c), base + i++});
            continue;
        }
        if (c == ':' && i + 1 < body.size() && body[i + 1] == '=')
        {
            out.push_back({token_kind::declare, ":=", base + i});
            i += 2;
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
        if (c == '.' || c == '$')
        {
            ++i;
            auto chain = read_chain(body, i);
            out.push_back(
                {c == '.' ? token_kind::field : token_kind::variable, std::move(chain), base + start});
            continue;
        }
        if (!is_word(c))
            return failure{position_of(text, base + i), std::string("unexpected character '") + c + "'"};
        while (i < body.size() && is_word(body[i]))
            ++i;
        std::string w(body.substr(start, i - start));
        bool digits = std::all_of(w.begin(), w.end(),
                                  [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
        out.push_back({digits ? token_kind::number : token_kind::word, std::move(w), base + start});
    }
    return std::nullopt;
}

void trim_right(std::string& s)
{
    while (!s.empty() && is_space(s.back()))
        s.pop_back();
}

}  // namespace

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

locator::locator(std::string_view text)
{
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n')
            line_starts_.push_back(i + 1);
}

position locator::at(std::size_t offset) const
{
    auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line = static_cast<std::size_t>(next - line_starts_.begin());  // >= 1: line_starts_[0] == 0
    return {line, offset - line_starts_[line - 1] + 1};
}

std::optional<failure> scan_all(std::string_view text, const delimiters& d, std::vector<piece>& out)
{
    if (d.left.empty() || d.right.empty())
        return failure{{}, "the delimiters must not be empty"};
    std::size_t pos = 0;
    bool trim_next = false;
    auto add_text = [&](std::string s) {
        if (!s.empty())
            out.push_back(piece{true, std::move(s), {}, 0, 0});
    };
    while (pos <= text.size())
    {
        std::size_t open = text.find(d.left, pos);
        std::string literal(
            text.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos));
        if (trim_next)
            literal.erase(0, std::min(literal.size(), literal.find_first_not_of(" \t\r\n")));
        if (open == std::string_view::npos)
        {
            add_text(std::move(literal));
            return std::nullopt;
        }
        std::size_t body = open + d.left.size();
        // "{{- " trims the text before; the dash must be followed by a space (Go's rule).
        if (body + 1 < text.size() && text[body] == '-' && is_space(text[body + 1]))
        {
            trim_right(literal);
            ++body;
        }
        add_text(std::move(literal));
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
        piece p{false, {}, {}, open, body_end};
        if (auto f = lex(text, body, text.substr(body, body_end - body), p.tokens))
            return f;
        out.push_back(std::move(p));
    }
    return std::nullopt;
}

}  // namespace vk::emissary::scan
