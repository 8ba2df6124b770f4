// What k8s-sim's HTTP fronts share (see front_util.hpp).
#include "front_util.hpp"

#include "wire.hpp"

#include <random>

namespace ksim {

using simc::request;
using simc::response;

response status_response(const status& st)
{
    auto res = simc::json_response(st.code, status_json(st));
    res.set("Cache-Control", "no-cache, private");
    return res;
}

response object_response(unsigned code, boost::json::object body)
{
    auto res = simc::json_response(code, body);
    res.set("Cache-Control", "no-cache, private");
    return res;
}

status unknown_resource()
{
    return {404, "NotFound", "the server could not find the requested resource", ""};
}

status method_not_allowed()
{
    return {405, "MethodNotAllowed", "the server does not allow this method on the requested resource", ""};
}

std::optional<status> unsupported_body(const request& req)
{
    const auto type = req.header("Content-Type");
    if (req.body.empty() || type.empty() || type.substr(0, type.find(';')) == "application/json")
        return std::nullopt;
    return status{
        415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, "
        "application/yaml, application/vnd.kubernetes.protobuf",
        ""};
}

std::string random_suffix()
{
    static std::mt19937 rng{std::random_device{}()};
    static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < 5; ++i)
        s += alphabet[rng() % alphabet.size()];
    return s;
}

std::optional<list_filter> parse_list_filter(const request& req, const std::vector<std::string>& field_keys,
                                             std::string& error)
{
    const auto* label_text = req.param("labelSelector");
    auto labels = label_selector::parse(label_text ? *label_text : "", error);
    if (!labels)
        return std::nullopt;
    const auto* field_text = req.param("fieldSelector");
    auto fields = label_selector::parse(field_text ? *field_text : "", error);
    if (!fields)
        return std::nullopt;
    for (const auto& key : fields->keys())
        if (std::find(field_keys.begin(), field_keys.end(), key) == field_keys.end())
        {
            error = "field label not supported: " + key;
            return std::nullopt;
        }
    return list_filter{std::move(*labels), std::move(*fields)};
}

}  // namespace ksim
