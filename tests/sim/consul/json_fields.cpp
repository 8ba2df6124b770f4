// Go-style (case-insensitive) JSON field lookup.
#include "json_fields.hpp"

#include <boost/beast/core/string.hpp>

namespace csim {

const boost::json::value* field(const boost::json::object& obj, std::string_view name)
{
    if (auto* v = obj.if_contains(name))
        return v;
    for (auto& kv : obj)
        if (boost::beast::iequals(std::string_view(kv.key()), name))
            return &kv.value();
    return nullptr;
}

std::optional<std::string> string_field(const boost::json::object& obj, std::string_view name, bool& bad)
{
    auto* v = field(obj, name);
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_string())
    {
        bad = true;
        return std::nullopt;
    }
    return std::string(v->as_string());
}

std::optional<std::uint64_t> uint_field(const boost::json::object& obj, std::string_view name, bool& bad)
{
    auto* v = field(obj, name);
    if (!v || v->is_null())
        return std::nullopt;
    if (v->is_uint64())
        return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0)
        return static_cast<std::uint64_t>(v->as_int64());
    bad = true;
    return std::nullopt;
}

}  // namespace csim
