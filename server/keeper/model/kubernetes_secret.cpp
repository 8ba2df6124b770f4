// Kubernetes Secrets for kubernetes_store (see kubernetes_secret.hpp).
#include "keeper/model/kubernetes_secret.hpp"

#include "core/upstream_status.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>

namespace vk::keeper::k8s {

namespace json = boost::json;

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::optional<json::object> parse_object(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    return std::move(v.as_object());
}

// obj[a][b]... as a string, or nullopt.
std::optional<std::string> string_at(const json::object& obj, std::initializer_list<std::string_view> path)
{
    const json::value* v = nullptr;
    const json::object* o = &obj;
    for (auto key : path)
    {
        if (!o || !(v = o->if_contains(key)))
            return std::nullopt;
        o = v->if_object();
    }
    if (!v->is_string())
        return std::nullopt;
    return std::string(v->as_string());
}

bool is_managed(const json::object& item)
{
    return string_at(item, {"metadata", "labels", managed_by_key}) == std::string(managed_by_value);
}

error bad_secret(std::string what)
{
    return make_error(errc::bad_response, "kubernetes: " + std::move(what));
}

}  // namespace

std::string collection_target(std::string_view ns)
{
    return "/api/v1/namespaces/" + std::string(ns) + "/secrets";
}

std::string secret_target(std::string_view ns, std::string_view name)
{
    return collection_target(ns) + "/" + std::string(name);
}

std::string list_target(std::string_view ns)
{
    return collection_target(ns) + "?labelSelector=app.kubernetes.io%2Fmanaged-by%3D" +
           std::string(managed_by_value);
}

std::string secret_body(std::string_view ns, std::string_view name, std::string_view data,
                        std::optional<std::string_view> resource_version)
{
    json::object meta{{"name", name}, {"namespace", ns}, {"labels", {{managed_by_key, managed_by_value}}}};
    if (resource_version)
        meta["resourceVersion"] = *resource_version;
    return json::serialize(json::object{{"apiVersion", "v1"},
                                        {"kind", "Secret"},
                                        {"metadata", std::move(meta)},
                                        {"type", "Opaque"},
                                        {"data", {{data_key, base64_encode(data)}}}});
}

std::string delete_body(std::optional<std::string_view> resource_version)
{
    json::object options{{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
    if (resource_version)
        options["preconditions"] = {{"resourceVersion", *resource_version}};
    return json::serialize(options);
}

result<secret_view> parse_secret(std::string_view body)
{
    auto obj = parse_object(body);
    if (!obj)
        return bad_secret("answer is not a JSON object");
    secret_view view;
    auto name = string_at(*obj, {"metadata", "name"});
    auto rv = string_at(*obj, {"metadata", "resourceVersion"});
    if (!name || !rv || rv->empty())
        return bad_secret("Secret without metadata.name or metadata.resourceVersion");
    view.name = std::move(*name);
    view.resource_version = std::move(*rv);
    view.managed = is_managed(*obj);
    if (auto encoded = string_at(*obj, {"data", data_key}))
    {
        auto decoded = base64_decode(*encoded);
        if (!decoded)
            return bad_secret("Secret " + view.name + ": data." + std::string(data_key) + " is not base64");
        view.data = std::move(*decoded);
    }
    return view;
}

result<std::vector<std::string>> parse_secret_names(std::string_view body)
{
    auto obj = parse_object(body);
    const auto* items = obj ? obj->if_contains("items") : nullptr;
    if (!items || !(items->is_array() || items->is_null()))
        return bad_secret("answer is not a SecretList");
    std::vector<std::string> names;
    if (items->is_null())
        return names;
    for (const auto& item : items->as_array())
    {
        auto name = item.is_object() ? string_at(item.as_object(), {"metadata", "name"}) : std::nullopt;
        if (!name)
            return bad_secret("SecretList item without metadata.name");
        // The server filtered by label already; checking again keeps a foreign object out of our listing.
        if (is_managed(item.as_object()))
            names.push_back(std::move(*name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string status_reason(std::string_view body)
{
    auto obj = parse_object(body);
    return obj ? string_at(*obj, {"reason"}).value_or("") : "";
}

error status_error(unsigned status, std::string_view body, std::string_view what)
{
    const errc code = upstream_errc(status);
    std::string message = "kubernetes: " + std::string(what) + ": HTTP " + std::to_string(status);
    if (auto obj = parse_object(body))
    {
        // Status messages name objects, never their data; capped so a odd proxy page cannot flood a log.
        auto detail =
            string_at(*obj, {"reason"}).value_or("") + " " + string_at(*obj, {"message"}).value_or("");
        message += " " + detail.substr(0, 300);
    }
    error e = make_error(code, std::move(message));
    e.status = status;
    return e;
}

}  // namespace vk::keeper::k8s
