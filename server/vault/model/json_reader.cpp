// The decoders' JSON field reader (see json_reader.hpp).
#include "vault/model/json_reader.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>

namespace vk::vault::detail {

namespace json = boost::json;

const json::value* json_reader::get(std::string_view key) const
{
    if (!o_)
        return nullptr;
    auto* v = o_->if_contains(key);
    return v && !v->is_null() ? v : nullptr;
}

void json_reader::fail(std::string what)
{
    if (problem_.empty())
        problem_ = std::move(what);
}

std::string json_reader::str(std::string_view key)
{
    auto* v = get(key);
    if (!v)
        return {};
    if (!v->is_string())
    {
        fail(std::string(key) + " is not a string");
        return {};
    }
    return std::string(v->as_string());
}

bool json_reader::boolean(std::string_view key)
{
    auto* v = get(key);
    if (!v)
        return false;
    if (!v->is_bool())
    {
        fail(std::string(key) + " is not a boolean");
        return false;
    }
    return v->as_bool();
}

std::int64_t json_reader::i64(std::string_view key)
{
    auto* v = get(key);
    if (!v)
        return 0;
    if (v->is_int64())
        return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->as_uint64());
    // Vault's JSON numbers may arrive as 1e3; converting one outside int64's range would be undefined.
    if (double d = v->is_double() ? v->as_double() : 0.5; std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18)
        return static_cast<std::int64_t>(d);
    fail(std::string(key) + " is not an integer");
    return 0;
}

std::uint64_t json_reader::u64(std::string_view key)
{
    auto* v = get(key);
    if (v && v->is_uint64())
        return v->as_uint64();
    auto n = i64(key);
    if (n < 0)
    {
        fail(std::string(key) + " is negative");
        return 0;
    }
    return static_cast<std::uint64_t>(n);
}

const json::object* json_reader::obj(std::string_view key)
{
    auto* v = get(key);
    if (!v)
        return nullptr;
    if (!v->is_object())
    {
        fail(std::string(key) + " is not an object");
        return nullptr;
    }
    return &v->as_object();
}

const json::array* json_reader::arr(std::string_view key)
{
    auto* v = get(key);
    if (!v)
        return nullptr;
    if (!v->is_array())
    {
        fail(std::string(key) + " is not an array");
        return nullptr;
    }
    return &v->as_array();
}

std::vector<std::string> json_reader::strings(std::string_view key)
{
    std::vector<std::string> out;
    if (auto* a = arr(key))
        for (const auto& e : *a)
        {
            if (!e.is_string())
            {
                fail(std::string(key) + " holds a non-string");
                return {};
            }
            out.emplace_back(e.as_string());
        }
    return out;
}

std::vector<secret> json_reader::secrets(std::string_view key, std::string_view source)
{
    std::vector<secret> out;
    for (auto& s : strings(key))
        out.emplace_back(std::move(s), std::string(source));
    return out;
}

std::map<std::string, std::string> json_reader::string_map(std::string_view key)
{
    std::map<std::string, std::string> out;
    if (auto* o = obj(key))
        for (const auto& [k, v] : *o)
        {
            if (!v.is_string())
            {
                fail(std::string(key) + " holds a non-string");
                return {};
            }
            out.emplace(std::string(k), std::string(v.as_string()));
        }
    return out;
}

error malformed(std::string what)
{
    return make_error(errc::bad_response, "malformed reply: " + what);
}

result<json::object> parse_object(std::string_view body)
{
    json::error_code ec;
    auto v = json::parse(body, ec);
    if (ec)
        return malformed("not JSON");
    if (!v.is_object())
        return malformed("not a JSON object");
    return std::move(v.as_object());
}

result<json::object> envelope_data(std::string_view body)
{
    auto o = parse_object(body);
    if (!o)
        return o.error();
    auto* d = o->if_contains("data");
    if (!d || !d->is_object())
        return malformed("no data object");
    return std::move(d->as_object());
}

}  // namespace vk::vault::detail
