// header_map lookups and the response builders (JSON, error envelope, text).
#include "http/message.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace vk::http {

bool iequals(std::string_view a, std::string_view b) noexcept
{
    auto lower = [](unsigned char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : char(c); };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string_view> header_map::get(std::string_view name) const
{
    for (const auto& [k, v] : fields_)
        if (iequals(k, name))
            return std::string_view(v);
    return std::nullopt;
}

void header_map::set(std::string_view name, std::string_view value)
{
    erase(name);
    add(name, value);
}

void header_map::add(std::string_view name, std::string_view value)
{
    fields_.emplace_back(std::string(name), std::string(value));
}

void header_map::erase(std::string_view name)
{
    std::erase_if(fields_, [&](const field& f) { return iequals(f.first, name); });
}

std::optional<std::string_view> request::query_param(std::string_view name) const
{
    for (const auto& [k, v] : query)
        if (k == name)
            return std::string_view(v);
    return std::nullopt;
}

response response::json(unsigned status, const boost::json::value& v)
{
    response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json");
    r.body = boost::json::serialize(v);
    return r;
}

response response::error(unsigned status, std::string_view code, std::string_view message)
{
    boost::json::value v = {{"error", {{"code", code}, {"message", message}}}};
    return json(status, v);
}

response response::text(unsigned status, std::string body)
{
    response r;
    r.status = status;
    r.headers.set("Content-Type", "text/plain; charset=utf-8");
    r.body = std::move(body);
    return r;
}

}  // namespace vk::http
