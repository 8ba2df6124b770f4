// Policy parsing: a small HCL reader for path blocks, plus the equivalent JSON form.
#include "policy.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace vsim {

namespace {

struct cap_name
{
    std::string_view name;
    std::uint32_t bit;
};

constexpr cap_name cap_names[] = {{"create", cap::create}, {"delete", cap::del},   {"deny", cap::deny},
                                  {"list", cap::list},     {"patch", cap::patch},  {"read", cap::read},
                                  {"sudo", cap::sudo},     {"update", cap::update}};

// Legacy `policy = "..."` values map onto capability sets (Vault's pre-0.9 syntax).
std::optional<std::uint32_t> legacy_policy(std::string_view p)
{
    if (p == "deny")
        return cap::deny;
    if (p == "read")
        return cap::read | cap::list;
    if (p == "write")
        return cap::create | cap::read | cap::update | cap::del | cap::list | cap::patch;
    if (p == "sudo")
        return cap::create | cap::read | cap::update | cap::del | cap::list | cap::patch | cap::sudo;
    return std::nullopt;
}

// A tiny HCL tokenizer: strings, identifiers/numbers, and single punctuation characters.
class hcl_lexer
{
public:
    explicit hcl_lexer(std::string_view s)
        : s_(s)
    {
    }

    // Next token; kind is '"' for strings, 'a' for bare words, the character for punctuation, 0 at end.
    std::optional<std::string> error;
    char next(std::string& text)
    {
        skip_space();
        if (pos_ >= s_.size())
            return 0;
        char ch = s_[pos_];
        if (ch == '"')
            return read_string(text);
        if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.')
        {
            std::size_t start = pos_;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                        s_[pos_] == '_' || s_[pos_] == '-' || s_[pos_] == '.'))
                ++pos_;
            text = s_.substr(start, pos_ - start);
            return 'a';
        }
        ++pos_;
        text = std::string(1, ch);
        return ch;
    }

private:
    void skip_space()
    {
        while (pos_ < s_.size())
        {
            char ch = s_[pos_];
            if (std::isspace(static_cast<unsigned char>(ch)))
                ++pos_;
            else if (ch == '#' || (ch == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/'))
                pos_ = std::min(s_.size(), s_.find('\n', pos_));
            else if (ch == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*')
                pos_ = std::min(s_.size(), s_.find("*/", pos_ + 2) + 2);
            else
                return;
        }
    }

    char read_string(std::string& text)
    {
        text.clear();
        for (++pos_; pos_ < s_.size() && s_[pos_] != '"'; ++pos_)
        {
            if (s_[pos_] == '\\' && pos_ + 1 < s_.size())
                ++pos_;
            text.push_back(s_[pos_]);
        }
        if (pos_ >= s_.size())
        {
            error = "unterminated string";
            return 0;
        }
        ++pos_;
        return '"';
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

struct hcl_parser
{
    hcl_lexer lex;
    std::string text;
    char tok = 0;

    void advance() { tok = lex.next(text); }

    std::optional<std::string> fail(std::string what)
    {
        return lex.error ? *lex.error : what + " at token '" + (tok ? text : std::string("EOF")) + "'";
    }

    // Skips one value: string, word, list, or object.
    std::optional<std::string> skip_value()
    {
        if (tok == '"' || tok == 'a')
        {
            advance();
            return std::nullopt;
        }
        if (tok != '[' && tok != '{')
            return fail("expected value");
        char close = tok == '[' ? ']' : '}';
        int depth = 1;
        while (depth > 0)
        {
            advance();
            if (tok == 0)
                return fail("unbalanced brackets");
            if (tok == '[' || tok == '{')
                ++depth;
            if (tok == ']' || tok == '}')
                --depth;
        }
        (void)close;
        advance();
        return std::nullopt;
    }

    std::optional<std::string> string_list(std::vector<std::string>& out)
    {
        if (tok != '[')
            return fail("expected list");
        advance();
        while (tok != ']')
        {
            if (tok != '"')
                return fail("expected string");
            out.push_back(text);
            advance();
            if (tok == ',')
                advance();
            else if (tok != ']')
                return fail("expected ',' or ']'");
        }
        advance();
        return std::nullopt;
    }

    // Body of a path block: `key = value` pairs; capabilities and policy are the ones that matter.
    std::optional<std::string> path_body(path_rule& rule)
    {
        while (tok != '}')
        {
            if (tok != 'a' && tok != '"')
                return fail("expected key");
            std::string key = text;
            advance();
            if (tok == '=')
                advance();
            if (key == "capabilities")
            {
                std::vector<std::string> names;
                if (auto e = string_list(names))
                    return e;
                for (auto& n : names)
                {
                    std::uint32_t bit = capability_bit(n);
                    if (!bit)
                        return "path \"" + rule.pattern + "\": invalid capability \"" + n + "\"";
                    rule.caps |= bit;
                }
            }
            else if (key == "policy")
            {
                if (tok != '"')
                    return fail("expected string");
                auto bits = legacy_policy(text);
                if (!bits)
                    return "path \"" + rule.pattern + "\": invalid policy \"" + text + "\"";
                rule.caps |= *bits;
                advance();
            }
            else if (auto e = skip_value())
            {
                return e;
            }
            if (tok == ',')
                advance();
        }
        advance();
        return std::nullopt;
    }

    std::optional<std::string> document(policy& out)
    {
        advance();
        while (tok != 0)
        {
            if (tok != 'a')
                return fail("expected block or key");
            std::string key = text;
            advance();
            if (key == "path" && tok == '"')
            {
                path_rule rule{text, 0};
                advance();
                if (tok != '{')
                    return fail("expected '{'");
                advance();
                if (auto e = path_body(rule))
                    return e;
                out.rules.push_back(std::move(rule));
                continue;
            }
            if (tok == '=')
                advance();
            if (auto e = skip_value())
                return e;
        }
        return lex.error;
    }
};

std::optional<std::string> parse_json_policy(std::string_view text, policy& out)
{
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec || !v.is_object())
        return "invalid JSON policy";
    auto* paths = v.get_object().if_contains("path");
    if (!paths)
        return std::nullopt;
    if (!paths->is_object())
        return "path must be an object";
    for (auto& kv : paths->get_object())
    {
        path_rule rule{std::string(kv.key()), 0};
        if (!kv.value().is_object())
            return "path \"" + rule.pattern + "\": expected object";
        auto& body = kv.value().get_object();
        if (auto* caps = body.if_contains("capabilities"); caps && caps->is_array())
        {
            for (auto& c : caps->get_array())
            {
                std::uint32_t bit = c.is_string() ? capability_bit(c.get_string()) : 0;
                if (!bit)
                    return "path \"" + rule.pattern + "\": invalid capability";
                rule.caps |= bit;
            }
        }
        if (auto* p = body.if_contains("policy"); p && p->is_string())
        {
            auto bits = legacy_policy(p->get_string());
            if (!bits)
                return "path \"" + rule.pattern + "\": invalid policy";
            rule.caps |= *bits;
        }
        out.rules.push_back(std::move(rule));
    }
    return std::nullopt;
}

}  // namespace

std::uint32_t capability_bit(std::string_view name)
{
    for (auto& c : cap_names)
        if (c.name == name)
            return c.bit;
    return 0;
}

std::vector<std::string> capability_names(std::uint32_t bits)
{
    if (bits == 0 || (bits & cap::deny))
        return {"deny"};
    std::vector<std::string> out;
    for (auto& c : cap_names)
        if (bits & c.bit)
            out.emplace_back(c.name);
    return out;
}

std::uint32_t capability_for_op(std::string_view op)
{
    if (op == "read")
        return cap::read;
    if (op == "list")
        return cap::list;
    if (op == "create")
        return cap::create;
    if (op == "update")
        return cap::update;
    if (op == "delete")
        return cap::del;
    if (op == "patch")
        return cap::patch;
    return capability_bit(op);
}

std::optional<std::string> parse_policy(std::string_view text, policy& out)
{
    auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{')
        return parse_json_policy(text, out);
    hcl_parser p{hcl_lexer(text)};
    return p.document(out);
}

std::string_view default_policy_text()
{
    // Self-service paths every token gets through the "default" policy, as in a fresh Vault.
    return R"(# Allow tokens to look up, renew and revoke themselves
path "auth/token/lookup-self" {
    capabilities = ["read"]
}
path "auth/token/renew-self" {
    capabilities = ["update"]
}
path "auth/token/revoke-self" {
    capabilities = ["update"]
}
# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}
# Allow a token to look up mount information used by the UI and CLI
path "sys/internal/ui/mounts/*" {
    capabilities = ["read"]
}
# Per-token private storage
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}
)";
}

}  // namespace vsim
