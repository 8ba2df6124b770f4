// Value selection, filters and the render pass.
#include "emissary/model/render.hpp"

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace vk::emissary {
namespace json = boost::json;
namespace {

std::optional<std::string> text_of(const json::value& v)
{
    if (v.is_null())
        return std::nullopt;
    std::string s = v.is_string() ? std::string(v.as_string()) : json::serialize(v);
    if (s.empty() || s == intentionally_empty)
        return std::nullopt;
    return s;
}

const json::value* field_of(const json::value& v, std::string_view field)
{
    if (field.front() == '/')
    {
        boost::system::error_code ec;
        return v.find_pointer(field, ec);
    }
    if (!v.is_object())
        return nullptr;
    return v.as_object().if_contains(field);
}

std::string trim(std::string_view s)
{
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos)
        return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

// One filter; nullopt when it cannot apply (base64decode of something that is not base64).
std::optional<std::string> apply(const filter& f, std::string s)
{
    switch (f.kind)
    {
    case filter_kind::json: return json::serialize(json::string(s));
    case filter_kind::quote: return go_quote(s);
    case filter_kind::base64: return base64_encode(s);
    case filter_kind::base64decode: return base64_decode(trim(s));
    case filter_kind::trim: return trim(s);
    case filter_kind::indent: return indent_lines(s, f.width);
    case filter_kind::raw: return s;
    }
    return s;
}

std::string where(const action& a)
{
    return std::to_string(a.where.line) + ":" + std::to_string(a.where.column);
}

// The value an action substitutes before filters; nullopt when missing (recorded in `out`).
std::optional<std::string> resolve(const action& a, const value_map& values, const env_lookup& env,
                                   render_result& out)
{
    std::optional<std::string> v;
    if (a.kind == call_kind::env)
    {
        v = env ? env(a.env_name) : std::nullopt;
        if (v && v->empty())
            v.reset();
    }
    else if (auto it = values.find(a.dep); it != values.end())
    {
        v = select(it->second, a.field);
        if (!v && a.kind == call_kind::secret_or)
            return a.fallback;
    }
    if (!v)
        out.missing.push_back(a.reference());
    return v;
}

}  // namespace

std::optional<std::string> select(const fetched& f, std::string_view field)
{
    if (!f.present)
        return std::nullopt;
    if (field.empty())
        return text_of(f.value);
    if (f.value.is_string())
    {
        boost::system::error_code ec;
        json::value parsed = json::parse(f.value.as_string(), ec);
        if (ec)
            return std::nullopt;
        const json::value* v = field_of(parsed, field);
        return v ? text_of(*v) : std::nullopt;
    }
    const json::value* v = field_of(f.value, field);
    return v ? text_of(*v) : std::nullopt;
}

render_result render(const template_ast& ast, const value_map& values, const env_lookup& env)
{
    render_result out;
    out.secrets.resize(ast.nodes.size());
    std::string text;
    for (std::size_t i = 0; i < ast.nodes.size(); ++i)
    {
        if (const auto* literal = std::get_if<std::string>(&ast.nodes[i]))
        {
            text += *literal;
            continue;
        }
        const auto& a = std::get<action>(ast.nodes[i]);
        auto v = resolve(a, values, env, out);
        if (!v)
            continue;
        if (a.kind != call_kind::env)
            out.secrets[i].push_back(*v);
        for (const auto& f : a.filters)
        {
            v = apply(f, std::move(*v));
            if (!v)
            {
                out.errors.push_back(where(a) + ": base64decode: not valid base64 (" + a.reference() + ")");
                break;
            }
            if (a.kind != call_kind::env)
                out.secrets[i].push_back(*v);
        }
        if (v)
            text += *v;
    }
    std::sort(out.missing.begin(), out.missing.end());
    out.missing.erase(std::unique(out.missing.begin(), out.missing.end()), out.missing.end());
    if (out.missing.empty() && out.errors.empty())
        out.text = std::move(text);
    return out;
}

namespace {
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string go_quote(std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : s)
    {
        auto c = static_cast<unsigned char>(ch);
        switch (ch)
        {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20 || c == 0x7f)
            {
                out += "\\x";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
            }
            else
                out.push_back(ch);
        }
    }
    return out + "\"";
}

std::string indent_lines(std::string_view s, int width)
{
    const std::string pad(static_cast<std::size_t>(width), ' ');
    std::string out = pad;
    for (char c : s)
    {
        out.push_back(c);
        if (c == '\n')
            out += pad;
    }
    return out;
}

}  // namespace vk::emissary
