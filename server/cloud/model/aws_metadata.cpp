#include "cloud/model/aws_metadata.hpp"

#include "cloud/model/iso8601.hpp"
#include "core/json_field.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

namespace vk::cloud::aws {
namespace {

bool http_allowed(std::string_view host)
{
    static constexpr std::string_view agents[] = {"localhost", "169.254.170.2", "169.254.170.23",
                                                  "[fd00:ec2::23]", "[::1]"};
    for (auto a : agents)
        if (host == a)
            return true;
    return host.starts_with("127.");
}

}  // namespace

result<credentials> parse_metadata_credentials(std::string_view json)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object())
        return make_error(errc::bad_response, "credentials answer is not a JSON object");
    const auto& o = v.as_object();
    if (auto code = string_field(o, "Code"); !code.empty() && code != "Success")
        return make_error(errc::permission_denied, "credentials answer with Code " + code);
    credentials c;
    c.keys.access_key_id = string_field(o, "AccessKeyId");
    c.keys.secret_access_key = string_field(o, "SecretAccessKey");
    c.keys.session_token = string_field(o, "Token");
    c.expiration = parse_iso8601(string_field(o, "Expiration"));
    for (auto [name, value] :
         {std::pair{"AccessKeyId", &c.keys.access_key_id},
          std::pair{"SecretAccessKey", &c.keys.secret_access_key}, std::pair{"Token", &c.keys.session_token}})
        if (value->empty())
            return make_error(errc::bad_response, std::string("credentials answer without ") + name);
    if (!c.expiration)
        return make_error(errc::bad_response, "credentials answer without a valid Expiration");
    return c;
}

result<std::string> first_role(std::string_view listing)
{
    auto end = listing.find_first_of("\r\n");
    auto role = listing.substr(0, end);
    if (role.empty())
        return make_error(errc::not_found, "instance metadata: no IAM role attached to the instance");
    return std::string(role);
}

result<void> check_container_url(std::string_view url)
{
    auto u = boost::urls::parse_uri(url);
    if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty())
        return make_error(errc::invalid_argument, "container credentials URL is not an http(s) URL");
    if (u->scheme() == "https" || http_allowed(u->encoded_host()))
        return {};
    return make_error(errc::invalid_argument,
                      "container credentials over http only to loopback, 169.254.170.2, 169.254.170.23 or "
                      "fd00:ec2::23 (use https)");
}

}  // namespace vk::cloud::aws
