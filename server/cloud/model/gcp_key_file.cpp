#include "cloud/model/gcp_key_file.hpp"

#include "core/json_field.hpp"

#include <boost/json/parse.hpp>

namespace vk::cloud::gcp {

result<service_account_key> parse_service_account_key(std::string_view json, std::string_view path)
{
    auto problem = [&](const std::string& what) {
        return make_error(errc::invalid_argument,
                          "service account key file " + std::string(path) + ": " + what);
    };
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object())
        return problem("not a JSON object");
    const auto& o = v.as_object();
    if (auto type = string_field(o, "type"); type != "service_account")
        return problem("\"type\" is \"" + type.substr(0, 40) + "\", not \"service_account\"");
    service_account_key k;
    k.path = std::string(path);
    k.client_email = string_field(o, "client_email");
    k.private_key_id = string_field(o, "private_key_id");
    k.private_key = secret(string_field(o, "private_key"), "file " + k.path);
    k.token_uri = string_field(o, "token_uri");
    if (k.token_uri.empty())
        k.token_uri = std::string(default_token_uri);
    if (k.client_email.empty())
        return problem("no \"client_email\"");
    if (k.private_key.empty())
        return problem("no \"private_key\"");
    if (!k.token_uri.starts_with("https://") && !k.token_uri.starts_with("http://"))
        return problem("\"token_uri\" is not an http(s) URL");
    return k;
}

}  // namespace vk::cloud::gcp
