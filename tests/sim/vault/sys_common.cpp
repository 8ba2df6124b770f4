// Helpers shared by the core's sys handlers: Go-compatible decoding and Vault's response shapes.
#include "sys_common.hpp"

#include <algorithm>
#include <cctype>

namespace vsim {
namespace json = boost::json;

namespace {
bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

const json::value* go_field(const json::object& body, std::string_view name)
{
    // An exact match wins, as in Go; otherwise the first case-insensitive one.
    if (const auto* v = body.if_contains(name))
        return v;
    for (const auto& kv : body)
        if (iequals(kv.key(), name))
            return &kv.value();
    return nullptr;
}

std::optional<std::string> go_string_field(const json::object& body, std::string_view name)
{
    const auto* v = go_field(body, name);
    if (!v || !v->is_string())
        return std::nullopt;
    return std::string(v->as_string());
}

std::optional<std::int64_t> go_int_field(const json::object& body, std::string_view name)
{
    const auto* v = go_field(body, name);
    if (!v)
        return std::nullopt;
    if (v->is_int64())
        return v->as_int64();
    if (v->is_uint64())
        return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double())
        return static_cast<std::int64_t>(v->as_double());
    return std::nullopt;
}

bool go_bool_field(const json::object& body, std::string_view name)
{
    const auto* v = go_field(body, name);
    return v && v->is_bool() && v->as_bool();
}

std::optional<json::object> body_object(const simc::request& req)
{
    if (req.body.find_first_not_of(" \t\r\n") == std::string::npos)
        return json::object{};
    auto v = simc::parse_json(req.body);
    if (!v || !v->is_object())
        return std::nullopt;
    return std::move(v->as_object());
}

std::optional<bool> parse_go_bool(std::string_view t)
{
    if (t == "1" || t == "t" || t == "T" || t == "TRUE" || t == "true" || t == "True")
        return true;
    if (t == "0" || t == "f" || t == "F" || t == "FALSE" || t == "false" || t == "False")
        return false;
    return std::nullopt;
}

simc::response vault_error(unsigned status, std::string message)
{
    return simc::json_errors(status, {std::move(message)});
}

simc::response vault_error(const coded_error& err)
{
    return vault_error(err.status, err.message);
}

simc::response sealed_error()
{
    return vault_error(503, "Vault is sealed");
}

simc::response method_not_allowed()
{
    return simc::json_errors(405, {});
}

simc::response sys_no_content()
{
    simc::response res;
    res.status = 204;
    res.set("Content-Type", "application/json");
    return res;
}

simc::response bad_json()
{
    return vault_error(400, "error parsing JSON");
}

simc::response sys_envelope(json::object data, bool inject)
{
    json::object injected;
    if (inject)
        injected = data;
    json::object body{{"request_id", uuid()}, {"lease_id", ""},          {"renewable", false},
                      {"lease_duration", 0},  {"data", std::move(data)}, {"wrap_info", nullptr},
                      {"warnings", nullptr},  {"auth", nullptr},         {"mount_type", "system"}};
    for (auto& [key, value] : injected)
        body[key] = std::move(value);
    return simc::json_response(200, body);
}

}  // namespace vsim
