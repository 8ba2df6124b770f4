// Value selection, listings and the render pass: a walk over the template tree with the dot, the range
// variables and the output node being evaluated.
#include "emissary/model/render.hpp"

#include "emissary/model/template_functions.hpp"

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <charconv>

namespace vk::emissary {
namespace json = boost::json;
namespace {

// A number literal's value; the parser admitted only digits that fit (template_parse.cpp).
std::int64_t number_of(const std::string& digits)
{
    std::int64_t v = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return v;
}

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

std::string at(const position& p)
{
    return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// A listing entry's Key and Path, and a leased answer's lease fields, are not secret (the lease id is only
// ever rendered, never logged: the log never prints a rendered value).
bool public_field(const json::object& from, std::string_view f)
{
    if (from.contains("Path") && from.contains("Key"))  // a listing entry (a certificate's Key is secret)
        return f == "Key" || f == "Path";
    if (from.contains("LeaseID") && from.contains("Data"))  // a leased answer
        return f == "LeaseID" || f == "LeaseDuration" || f == "Renewable";
    return false;
}

// A dynamic secret as consul-template's `secret` returns it.
json::value leased_answer(const fetched& f)
{
    return json::object{{"Data", f.value},
                        {"LeaseID", f.lease->id},
                        {"LeaseDuration", f.lease->duration.count()},
                        {"Renewable", f.lease->renewable}};
}

// One evaluation of a template. Every evaluating function returns nullopt when the result cannot be had:
// a missing reference (recorded in out.missing) or an error (recorded in out.errors); the walk goes on so
// that every missing reference is named at once.
class evaluator
{
public:
    evaluator(const template_ast& ast, const value_map& values, const env_lookup& env, render_result& out)
        : ast_(ast),
          values_(values),
          env_(env),
          out_(out)
    {
    }

    void walk(const std::vector<node>& nodes, const tvalue& dot, std::string& text)
    {
        for (const auto& n : nodes)
        {
            switch (n.kind)
            {
            case node_kind::text: text += n.text; break;
            case node_kind::output: output(n, dot, text); break;
            case node_kind::if_: branch(n, dot, text); break;
            case node_kind::with: with(n, dot, text); break;
            case node_kind::range: range(n, dot, text); break;
            }
        }
    }

private:
    struct variable
    {
        std::string name;
        tvalue value;
    };

    void output(const node& n, const tvalue& dot, std::string& text)
    {
        output_ = n.output;
        auto v = pipe(n.pipe, dot);
        output_.reset();
        if (v)
            text += to_text(v->v);
    }

    void branch(const node& n, const tvalue& dot, std::string& text)
    {
        if (auto v = pipe(n.pipe, dot))
            walk(truthy(v->v) ? n.body : n.else_body, dot, text);
    }

    void with(const node& n, const tvalue& dot, std::string& text)
    {
        auto v = pipe(n.pipe, dot);
        if (!v)
            return;
        if (truthy(v->v))
            walk(n.body, *v, text);
        else
            walk(n.else_body, dot, text);
    }

    void range(const node& n, const tvalue& dot, std::string& text)
    {
        auto v = pipe(n.pipe, dot);
        if (!v)
            return;
        if (!v->v.is_array() && !v->v.is_object() && !v->v.is_null())
        {
            out_.errors.push_back(at(n.where) + ": range: cannot iterate over " + kind_name(v->v));
            return;
        }
        std::vector<std::pair<json::value, tvalue>> items;  // (index or key, element)
        if (v->v.is_array())
            for (std::size_t i = 0; i < v->v.as_array().size(); ++i)
                items.push_back({json::value(static_cast<std::int64_t>(i)), {v->v.as_array()[i], v->secret}});
        if (v->v.is_object())
        {
            for (const auto& [k, x] : v->v.as_object())
                items.push_back({json::value(std::string_view(k)), {x, v->secret}});
            // A map in key order, as Go ranges over one.
            std::sort(items.begin(), items.end(),
                      [](const auto& a, const auto& b) { return a.first.as_string() < b.first.as_string(); });
        }
        if (items.empty())
            return walk(n.else_body, dot, text);
        const auto& names = n.pipe.variables;
        for (auto& [key, element] : items)
        {
            const std::size_t before = variables_.size();
            if (names.size() == 2)
                variables_.push_back({names[0], {key, false}});
            if (!names.empty())
                variables_.push_back({names.back(), element});
            walk(n.body, element, text);
            variables_.resize(before);
        }
    }

    std::optional<tvalue> pipe(const pipeline& p, const tvalue& dot)
    {
        std::optional<tvalue> carried;
        for (const auto& c : p.commands)
        {
            auto v = command_value(c, dot, carried, p);
            if (!v)
                return std::nullopt;
            if (v->secret && output_)
                out_.secrets[*output_].push_back(to_text(v->v));
            carried = std::move(v);
        }
        return carried;
    }

    std::optional<tvalue> command_value(const command& c, const tvalue& dot,
                                        const std::optional<tvalue>& piped, const pipeline& p)
    {
        if (c.call >= 0)
            return data(ast_.calls[static_cast<std::size_t>(c.call)]);
        std::vector<tvalue> args;
        bool ok = true;
        for (const auto& o : c.args)
        {
            auto v = operand_value(o, dot);
            ok = ok && v.has_value();
            if (v)
                args.push_back(std::move(*v));
        }
        if (!ok)
            return std::nullopt;
        if (c.name.empty())
            return args.front();
        if (piped)
            args.push_back(*piped);
        auto r = call_function(c.name, args);
        if (!r.ok())
        {
            out_.errors.push_back(at(p.where) + ": " + r.error + context(p));
            return std::nullopt;
        }
        return r.value;
    }

    // " (source path)" naming the data the pipeline starts from, or "".
    std::string context(const pipeline& p) const
    {
        const int call = p.commands.front().call;
        if (call < 0)
            return "";
        return " (" + ast_.calls[static_cast<std::size_t>(call)].reference() + ")";
    }

    std::optional<tvalue> operand_value(const operand& o, const tvalue& dot)
    {
        switch (o.kind)
        {
        case operand_kind::string: return tvalue{json::value(o.text), false};
        case operand_kind::number: return tvalue{json::value(number_of(o.text)), false};
        case operand_kind::boolean: return tvalue{json::value(o.text == "true"), false};
        case operand_kind::dot: return fields(o, dot);
        case operand_kind::pipeline: return pipe(o.inner.front(), dot);
        case operand_kind::variable:
            for (auto v = variables_.rbegin(); v != variables_.rend(); ++v)
                if (v->name == o.text)
                    return fields(o, v->value);
            return fields(o, tvalue{});  // $: the top level, which holds nothing
        }
        return std::nullopt;
    }

    // .A.B on a value: a map's entry; a listing entry's Key and Path are not secret even in a secret listing
    // (a certificate's Key is).
    std::optional<tvalue> fields(const operand& o, tvalue v)
    {
        for (const auto& f : o.fields)
        {
            const json::value* next = v.v.is_object() ? v.v.as_object().if_contains(f) : nullptr;
            if (!next)
            {
                out_.errors.push_back(at(o.where) + ": can't evaluate field " + f + " in " + kind_name(v.v));
                return std::nullopt;
            }
            v = tvalue{*next, v.secret && !public_field(v.v.as_object(), f)};
        }
        return v;
    }

    std::optional<tvalue> data(const call_site& c)
    {
        if (c.kind == call_kind::env)
        {
            auto v = env_ ? env_(c.env_name) : std::nullopt;
            if (v && !v->empty())
                return tvalue{json::value(*v), false};
            return missing(c);
        }
        auto it = values_.find(c.dep);
        if (it == values_.end())
            return missing(c);  // not fetched yet: even a secretOr or a plain ls waits for the first answer
        switch (c.kind)
        {
        case call_kind::ls:
        case call_kind::tree: {
            auto entries = list_entries(it->second.value, c.dep.path, c.kind == call_kind::ls);
            if (c.safe && entries.empty())
                return missing(c);
            return tvalue{json::value(std::move(entries)), true};
        }
        case call_kind::secrets: return tvalue{it->second.value, false};
        case call_kind::pki_cert:
            return it->second.present ? std::optional(tvalue{it->second.value, true}) : missing(c);
        default: break;
        }
        if (it->second.lease && it->second.present && c.field.empty())
            return tvalue{leased_answer(it->second), true};
        if (auto v = select(it->second, c.field))
            return tvalue{json::value(*v), true};
        if (c.kind == call_kind::secret_or)
            return tvalue{json::value(c.fallback), false};
        return missing(c);
    }

    std::optional<tvalue> missing(const call_site& c)
    {
        out_.missing.push_back(c.reference());
        if (c.kind != call_kind::env)
            out_.waiting_on.insert(c.dep);
        return std::nullopt;
    }

    static std::string kind_name(const json::value& v)
    {
        switch (v.kind())
        {
        case json::kind::null: return "nothing";
        case json::kind::bool_: return "a boolean";
        case json::kind::string: return "a string";
        case json::kind::array: return "a list";
        case json::kind::object: return "a map";
        default: return "a number";
        }
    }

    const template_ast& ast_;
    const value_map& values_;
    const env_lookup& env_;
    render_result& out_;
    std::vector<variable> variables_;
    std::optional<std::size_t> output_;  // the output node being evaluated
};

void collect_strings(const json::value& v, std::vector<std::string>& out)
{
    if (v.is_string() && !v.as_string().empty())
        out.emplace_back(v.as_string());
    else if (v.is_object())
        for (const auto& [k, x] : v.as_object())
            collect_strings(x, out);
    else if (v.is_array())
        for (const auto& x : v.as_array())
            collect_strings(x, out);
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
    out.secrets.resize(ast.outputs);
    std::string text;
    evaluator(ast, values, env, out).walk(ast.nodes, tvalue{}, text);
    std::sort(out.missing.begin(), out.missing.end());
    out.missing.erase(std::unique(out.missing.begin(), out.missing.end()), out.missing.end());
    if (out.missing.empty() && out.errors.empty())
        out.text = std::move(text);
    return out;
}

json::value consul_listing(const std::vector<std::pair<std::string, std::string>>& keys_and_values)
{
    json::array out;
    for (const auto& [k, v] : keys_and_values)
        out.push_back(json::object{{"Path", k}, {"Value", v}});
    return out;
}

json::array list_entries(const json::value& listing, std::string_view prefix, bool direct_only)
{
    json::array out;
    if (!listing.is_array())
        return out;
    for (const auto& e : listing.as_array())
    {
        const auto* path = e.is_object() ? e.as_object().if_contains("Path") : nullptr;
        const auto* value = e.is_object() ? e.as_object().if_contains("Value") : nullptr;
        if (!path || !path->is_string() || !value)
            continue;
        std::string_view full = path->as_string();
        std::string_view key = full.starts_with(prefix) ? full.substr(prefix.size()) : full;
        while (key.starts_with('/'))
            key.remove_prefix(1);
        if (key.empty() || key.ends_with('/') || (direct_only && key.find('/') != std::string_view::npos))
            continue;
        out.push_back(json::object{{"Key", key}, {"Value", *value}, {"Path", full}});
    }
    return out;
}

std::vector<std::string> secret_strings(const dependency& d, const fetched& f)
{
    std::vector<std::string> out;
    if (!f.present || d.kind == dep_kind::secrets)
        return out;
    if (d.kind == dep_kind::value || d.kind == dep_kind::pki)
    {
        collect_strings(f.value, out);
        return out;
    }
    if (f.value.is_array())
        for (const auto& e : f.value.as_array())
            if (const auto* v = e.is_object() ? e.as_object().if_contains("Value") : nullptr)
                collect_strings(*v, out);
    return out;
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
