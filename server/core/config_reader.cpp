// object_reader: typed, problem-collecting access to a JSON config object.
#include "core/config_reader.hpp"

#include "core/read_file.hpp"

#include <boost/json.hpp>

namespace vk {
namespace json = boost::json;

std::string escape_pointer_token(std::string_view token)
{
    std::string out;
    for (char c : token)
    {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

object_reader::object_reader(const json::value& v, std::string pointer, config_problems& problems,
                             const config_inputs& inputs)
    : obj_(v.if_object()),
      pointer_(std::move(pointer)),
      problems_(&problems),
      inputs_(&inputs)
{
    if (!obj_)
        problems_->push_back({pointer_, "expected an object"});
}

std::string object_reader::pointer_of(std::string_view key) const
{
    return pointer_ + "/" + escape_pointer_token(key);
}

bool object_reader::has(std::string_view key) const
{
    return obj_ && obj_->contains(key);
}

void object_reader::problem(std::string_view key, std::string message)
{
    problems_->push_back({key.empty() ? pointer_ : pointer_of(key), std::move(message)});
}

const json::value* object_reader::raw(std::string_view key)
{
    known_.emplace(key);
    if (!obj_)
        return nullptr;
    return obj_->if_contains(key);
}

const json::value* object_reader::fetch(std::string_view key, need n, const char* expected)
{
    const json::value* v = raw(key);
    if (!v && obj_ && n == need::required)
        problem(key, std::string("missing required field (") + expected + ")");
    return v;
}

const json::array* object_reader::fetch_list(std::string_view key, need n, const char* expected)
{
    const json::value* v = fetch(key, n, expected);
    if (!v)
        return nullptr;
    const json::array* arr = v->if_array();
    if (!arr)
        problem(key, std::string("expected ") + expected);
    return arr;
}

std::optional<std::string> object_reader::string(std::string_view key, need n)
{
    const json::value* v = fetch(key, n, "a string");
    if (!v)
        return std::nullopt;
    if (!v->is_string())
    {
        problem(key, "expected a string");
        return std::nullopt;
    }
    if (n == need::required && v->get_string().empty())
    {
        problem(key, "must not be empty");
        return std::nullopt;
    }
    return std::string(v->get_string());
}

std::string object_reader::string_or(std::string_view key, std::string fallback)
{
    return string(key).value_or(std::move(fallback));
}

std::string object_reader::one_of(std::string_view key, const std::vector<std::string>& allowed,
                                  std::string fallback)
{
    auto s = string(key);
    if (!s)
        return fallback;
    for (const auto& a : allowed)
        if (*s == a)
            return *s;
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    problem(key, "\"" + *s + "\" is not one of: " + list);
    return fallback;
}

std::optional<bool> object_reader::boolean(std::string_view key, need n)
{
    const json::value* v = fetch(key, n, "true or false");
    if (!v)
        return std::nullopt;
    if (!v->is_bool())
    {
        problem(key, "expected true or false");
        return std::nullopt;
    }
    return v->get_bool();
}

bool object_reader::boolean_or(std::string_view key, bool fallback)
{
    return boolean(key).value_or(fallback);
}

std::optional<std::int64_t> object_reader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                   need n)
{
    const json::value* v = fetch(key, n, "an integer");
    if (!v)
        return std::nullopt;
    std::optional<std::int64_t> i;
    if (v->is_int64())
        i = v->get_int64();
    else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        i = static_cast<std::int64_t>(v->get_uint64());
    if (!i)
    {
        problem(key, "expected an integer");
        return std::nullopt;
    }
    if (*i < min || *i > max)
    {
        problem(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return i;
}

std::int64_t object_reader::integer_or(std::string_view key, std::int64_t min, std::int64_t max,
                                       std::int64_t fallback)
{
    return integer(key, min, max).value_or(fallback);
}

std::optional<duration> object_reader::dur(std::string_view key, need n)
{
    auto s = string(key, n);
    if (!s)
        return std::nullopt;
    auto d = parse_duration(*s);
    if (!d)
        problem(key, "\"" + *s + "\" is not a duration (use e.g. \"30s\", \"5m\", \"1h30m\")");
    return d;
}

duration object_reader::dur_or(std::string_view key, duration fallback)
{
    return dur(key).value_or(fallback);
}

void object_reader::warn_if_shared(std::string_view key, const std::string& file)
{
    if (inputs_->shared(file))
        problems_->push_back(
            {pointer_of(key), "secret file " + file + " is accessible by group or others (chmod 600)", true});
}

std::optional<secret> object_reader::secret_value(std::string_view key, need n)
{
    const json::value* v = fetch(key, n, "a string, {\"file\": ...} or {\"env\": ...}");
    if (!v)
        return std::nullopt;
    if (v->is_string())
        return secret(std::string(v->get_string()), "inline");
    object_reader ref(*v, pointer_of(key), *problems_, *inputs_);
    if (!ref.is_object())
        return std::nullopt;
    auto file = ref.string("file");
    auto env = ref.string("env");
    ref.finish();
    if (file.has_value() == env.has_value())
    {
        problem(key, "give exactly one of \"file\" or \"env\"");
        return std::nullopt;
    }
    if (env)
    {
        auto value = inputs_->env(*env);
        if (!value)
        {
            problem(key, "environment variable " + *env + " is not set");
            return std::nullopt;
        }
        return secret(*value, "env " + *env);
    }
    auto text = inputs_->file(*file);
    if (!text)
    {
        problem(key, "cannot read file " + *file);
        return std::nullopt;
    }
    warn_if_shared(key, *file);
    return secret(without_line_end(std::move(*text)), "file " + *file);
}

std::vector<std::string> object_reader::string_list(std::string_view key, need n)
{
    std::vector<std::string> out;
    const json::array* arr = fetch_list(key, n, "a list of strings");
    if (!arr)
        return out;
    for (std::size_t i = 0; i < arr->size(); ++i)
    {
        if (!(*arr)[i].is_string())
            problems_->push_back({pointer_of(key) + "/" + std::to_string(i), "expected a string"});
        else
            out.emplace_back((*arr)[i].get_string());
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> object_reader::string_map(std::string_view key)
{
    std::vector<std::pair<std::string, std::string>> out;
    const json::value* v = raw(key);
    if (!v)
        return out;
    const json::object* o = v->if_object();
    if (!o)
    {
        problem(key, "expected an object of strings");
        return out;
    }
    for (const auto& [k, val] : *o)
    {
        if (!val.is_string())
            problems_->push_back({pointer_of(key) + "/" + escape_pointer_token(k), "expected a string"});
        else
            out.emplace_back(std::string(k), std::string(val.get_string()));
    }
    return out;
}

std::optional<object_reader> object_reader::object(std::string_view key, need n)
{
    const json::value* v = fetch(key, n, "an object");
    if (!v)
        return std::nullopt;
    object_reader r(*v, pointer_of(key), *problems_, *inputs_);
    if (!r.is_object())
        return std::nullopt;
    return r;
}

void object_reader::each_secret(std::string_view key,
                                const std::function<void(object_reader&, const std::string&, secret)>& fn)
{
    const json::array* arr = fetch_list(key, need::optional, "a list");
    if (!arr)
        return;
    for (std::size_t i = 0; i < arr->size(); ++i)
    {
        // The element under its index in a one-member object, so secret_value reads it where it is.
        std::string index = std::to_string(i);
        json::value holder = json::object{{index, (*arr)[i]}};
        object_reader r(holder, pointer_of(key), *problems_, *inputs_);
        if (auto s = r.secret_value(index, need::required))
            fn(r, index, std::move(*s));
    }
}

void object_reader::each_object(std::string_view key, const std::function<void(object_reader&)>& fn, need n)
{
    const json::array* arr = fetch_list(key, n, "a list");
    if (!arr)
        return;
    for (std::size_t i = 0; i < arr->size(); ++i)
    {
        object_reader r((*arr)[i], pointer_of(key) + "/" + std::to_string(i), *problems_, *inputs_);
        if (r.is_object())
            fn(r);
    }
}

void object_reader::each_member(std::string_view key,
                                const std::function<void(const std::string&, object_reader&)>& fn)
{
    const json::value* v = raw(key);
    if (!v)
        return;
    const json::object* o = v->if_object();
    if (!o)
    {
        problem(key, "expected an object");
        return;
    }
    for (const auto& [name, member] : *o)
    {
        object_reader r(member, pointer_of(key) + "/" + escape_pointer_token(name), *problems_, *inputs_);
        if (r.is_object())
            fn(std::string(name), r);
    }
}

void object_reader::finish()
{
    if (!obj_)
        return;
    for (const auto& [k, v] : *obj_)
        if (!known_.contains(std::string_view(k)))
            problems_->push_back({pointer_of(k), "unknown key"});
}

}  // namespace vk
