// Helpers and filters (see template_functions.hpp).
#include "emissary/model/template_functions.hpp"

#include "core/base64.hpp"
#include "emissary/model/render.hpp"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cctype>
#include <functional>

namespace vk::emissary {
namespace json = boost::json;
namespace {

using args_t = std::vector<tvalue>;

constexpr std::array<function_info, 31> functions = {{
    {"secret", 2, 3, true},   {"poll", 2, 3, true},        {"secretOr", 4, 4, true},
    {"env", 1, 1, true},      {"ls", 2, 2, true},          {"tree", 2, 2, true},
    {"safeLs", 2, 2, true},   {"safeTree", 2, 2, true},    {"secrets", 2, 2, true},
    {"printf", 1, -1, false}, {"toJSON", 1, 1, false},     {"toUpper", 1, 1, false},
    {"toLower", 1, 1, false}, {"replaceAll", 3, 3, false}, {"split", 2, 2, false},
    {"join", 2, 2, false},    {"contains", 2, 2, false},   {"not", 1, 1, false},
    {"and", 1, -1, false},    {"or", 1, -1, false},        {"eq", 2, -1, false},
    {"ne", 2, 2, false},      {"len", 1, 1, false},        {"json", 1, 1, false},
    {"quote", 1, 1, false},   {"base64", 1, 1, false},     {"base64decode", 1, 1, false},
    {"trim", 1, 1, false},    {"indent", 2, 2, false},     {"raw", 1, 1, false},
    {"pkiCert", 2, -1, true},
}};

bool any_secret(const args_t& a)
{
    return std::any_of(a.begin(), a.end(), [](const tvalue& t) { return t.secret; });
}

call_outcome fail(std::string_view fn, std::string message)
{
    return {{}, std::string(fn) + ": " + message};
}

std::string trim_space(std::string_view s)
{
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos)
        return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string replace_all(std::string s, std::string_view from, std::string_view to)
{
    if (from.empty())
        return s;
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size())
        out.append(s, pos, hit - pos).append(to);
    return out.append(s, pos);
}

json::value split(std::string_view sep, std::string_view s)
{
    json::array out;
    std::string t = trim_space(s);  // consul-template: an empty or blank string is an empty list
    if (t.empty())
        return out;
    if (sep.empty())
    {
        for (char c : t)
            out.emplace_back(std::string(1, c));
        return out;
    }
    std::size_t pos = 0;
    for (std::size_t hit; (hit = t.find(sep, pos)) != std::string::npos; pos = hit + sep.size())
        out.emplace_back(t.substr(pos, hit - pos));
    out.emplace_back(t.substr(pos));
    return out;
}

// JSON as Go's json.Marshal writes it (consul-template's toJSON): '<', '>' and '&' escaped as \u003c ...
std::string go_json(const json::value& v)
{
    std::string out;
    for (char c : json::serialize(v))
    {
        switch (c)
        {
        case '<': out += "\\u003c"; break;
        case '>': out += "\\u003e"; break;
        case '&': out += "\\u0026"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

// Go's fmt verbs that templates use: %s %v %d %q %t %%.
call_outcome printf_(const args_t& a)
{
    if (!a[0].v.is_string())
        return fail("printf", "the format must be a string");
    const auto& format = a[0].v.as_string();
    std::string out;
    std::size_t next = 1;
    for (std::size_t i = 0; i < format.size(); ++i)
    {
        if (format[i] != '%')
        {
            out.push_back(format[i]);
            continue;
        }
        if (++i >= format.size())
            return fail("printf", "the format ends with '%'");
        const char verb = format[i];
        if (verb == '%')
        {
            out.push_back('%');
            continue;
        }
        if (next >= a.size())
            return fail("printf", std::string("no argument for %") + verb);
        const json::value& v = a[next++].v;
        switch (verb)
        {
        case 's':
        case 'v': out += to_text(v); break;
        case 'q': out += go_quote(to_text(v)); break;
        case 'd':
            if (!v.is_int64() && !v.is_uint64())
                return fail("printf", "%d needs a number (argument " + std::to_string(next - 1) + ")");
            out += to_text(v);
            break;
        case 't':
            if (!v.is_bool())
                return fail("printf", "%t needs a boolean (argument " + std::to_string(next - 1) + ")");
            out += to_text(v);
            break;
        default: return fail("printf", std::string("unsupported verb %") + verb + " (%s %v %d %q %t %%)");
        }
    }
    if (next != a.size())
        return fail("printf", "more arguments than verbs in the format");
    return {{json::value(out), any_secret(a)}, {}};
}

call_outcome contains_(const args_t& a)
{
    const json::value& hay = a[1].v;
    if (hay.is_string())
        return {
            {json::value(std::string_view(hay.as_string()).find(to_text(a[0].v)) != std::string_view::npos),
             any_secret(a)},
            {}};
    if (hay.is_array())
    {
        bool found = std::any_of(hay.as_array().begin(), hay.as_array().end(),
                                 [&](const json::value& x) { return x == a[0].v; });
        return {{json::value(found), any_secret(a)}, {}};
    }
    return fail("contains", "the last argument must be a string or a list");
}

call_outcome join_(const args_t& a)
{
    if (!a[1].v.is_array())
        return fail("join", "the last argument must be a list");
    std::string out;
    const std::string sep = to_text(a[0].v);
    const auto& list = a[1].v.as_array();
    for (std::size_t i = 0; i < list.size(); ++i)
        out += (i == 0 ? "" : sep) + to_text(list[i]);
    return {{json::value(out), any_secret(a)}, {}};
}

call_outcome len_(const args_t& a)
{
    const json::value& v = a[0].v;
    std::int64_t n = v.is_string()   ? static_cast<std::int64_t>(v.as_string().size())
                     : v.is_array()  ? static_cast<std::int64_t>(v.as_array().size())
                     : v.is_object() ? static_cast<std::int64_t>(v.as_object().size())
                                     : -1;
    if (n < 0)
        return fail("len", "needs a string, a list or a map");
    return {{json::value(n), a[0].secret}, {}};
}

// and / or: Go returns the first argument that decides (and: the first false one; or: the first true one).
call_outcome decide(const args_t& a, bool stop_on)
{
    for (const auto& x : a)
        if (truthy(x.v) == stop_on)
            return {x, {}};
    return {a.back(), {}};
}

call_outcome indent_(const args_t& a)
{
    if (!a[0].v.is_int64() || a[0].v.as_int64() < 0 || a[0].v.as_int64() > 999)
        return fail("indent", "the width must be a number from 0 to 999");
    return {{json::value(indent_lines(to_text(a[1].v), static_cast<int>(a[0].v.as_int64()))), a[1].secret},
            {}};
}

// A function of the last argument's text alone.
call_outcome on_text(const args_t& a, const std::function<std::string(std::string)>& f)
{
    return {{json::value(f(to_text(a.back().v))), any_secret(a)}, {}};
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

}  // namespace

const function_info* find_function(std::string_view name)
{
    auto it = std::find_if(functions.begin(), functions.end(), [&](const auto& f) { return f.name == name; });
    return it == functions.end() ? nullptr : &*it;
}

std::string to_text(const json::value& v)
{
    if (v.is_string())
        return std::string(v.as_string());
    if (v.is_null())
        return {};
    return json::serialize(v);
}

bool truthy(const json::value& v)
{
    switch (v.kind())
    {
    case json::kind::null: return false;
    case json::kind::bool_: return v.get_bool();
    case json::kind::int64: return v.get_int64() != 0;
    case json::kind::uint64: return v.get_uint64() != 0;
    case json::kind::double_: return v.get_double() != 0;
    case json::kind::string: return !v.get_string().empty();
    case json::kind::array: return !v.get_array().empty();
    case json::kind::object: return !v.get_object().empty();
    }
    return false;
}

call_outcome call_function(std::string_view name, const args_t& a)
{
    const bool s = any_secret(a);
    if (name == "printf")
        return printf_(a);
    if (name == "toJSON")
        return {{json::value(go_json(a[0].v)), s}, {}};
    if (name == "toUpper")
        return on_text(a, upper);
    if (name == "toLower")
        return on_text(a, lower);
    if (name == "replaceAll")
        return {{json::value(replace_all(to_text(a[2].v), to_text(a[0].v), to_text(a[1].v))), s}, {}};
    if (name == "split")
        return {{split(to_text(a[0].v), to_text(a[1].v)), s}, {}};
    if (name == "join")
        return join_(a);
    if (name == "contains")
        return contains_(a);
    if (name == "not")
        return {{json::value(!truthy(a[0].v)), s}, {}};
    if (name == "and" || name == "or")
        return decide(a, name == "or");
    if (name == "eq" || name == "ne")
    {
        bool equal = std::any_of(a.begin() + 1, a.end(), [&](const tvalue& x) { return x.v == a[0].v; });
        return {{json::value(equal == (name == "eq")), s}, {}};
    }
    if (name == "len")
        return len_(a);
    if (name == "indent")
        return indent_(a);
    if (name == "json")
        return on_text(a, [](std::string t) { return json::serialize(json::string(t)); });
    if (name == "quote")
        return on_text(a, [](std::string t) { return go_quote(t); });
    if (name == "base64")
        return on_text(a, [](std::string t) { return base64_encode(t); });
    if (name == "trim" || name == "raw")
        return on_text(a, [&](std::string t) { return name == "trim" ? trim_space(t) : t; });
    if (name == "base64decode")
    {
        auto d = base64_decode(trim_space(to_text(a[0].v)));
        if (!d)
            return fail("base64decode", "not valid base64");
        return {{json::value(*d), s}, {}};
    }
    return fail(name, "not a helper function");
}

}  // namespace vk::emissary
