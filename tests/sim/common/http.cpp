// Small helpers around simc::request and simc::response.
#include "common/http.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace simc {

std::string_view request::header(std::string_view name) const
{
    auto it = headers.find(name);
    return it == headers.end() ? std::string_view{}
                               : std::string_view(it->value().data(), it->value().size());
}

const std::string* request::param(std::string_view name) const
{
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
}

response& response::set(std::string name, std::string value)
{
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

response text_response(unsigned status, std::string body)
{
    response res;
    res.status = status;
    res.body = std::move(body);
    res.set("Content-Type", "text/plain; charset=utf-8");
    return res;
}

response json_response(unsigned status, const boost::json::value& body)
{
    response res;
    res.status = status;
    res.body = boost::json::serialize(body);
    res.set("Content-Type", "application/json");
    return res;
}

response json_text(std::string body)
{
    response res;
    res.body = std::move(body);
    res.set("Content-Type", "application/json");
    return res;
}

response json_errors(unsigned status, std::vector<std::string> errors)
{
    boost::json::array arr;
    for (auto& e : errors)
        arr.emplace_back(boost::json::string(e));
    return json_response(status, boost::json::object{{"errors", std::move(arr)}});
}

std::optional<boost::json::value> parse_json(std::string_view text)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec)
        return std::nullopt;
    return v;
}

}  // namespace simc
