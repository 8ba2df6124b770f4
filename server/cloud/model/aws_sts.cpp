#include "cloud/model/aws_sts.hpp"

#include "cloud/model/form.hpp"
#include "cloud/model/iso8601.hpp"
#include "cloud/model/xml_reader.hpp"

namespace vk::cloud::aws {
namespace {

std::string common(std::string_view action, const assume_role_params& p)
{
    std::string body;
    add_form_field(body, "Action", action);
    add_form_field(body, "Version", sts_version);
    add_form_field(body, "RoleArn", p.role_arn);
    add_form_field(body, "RoleSessionName", p.session_name);
    return body;
}

error sts_error(std::string_view xml)
{
    auto doc = xml::parse(xml, "ErrorResponse");
    if (!doc)
        return make_error(errc::bad_response, "STS: the answer is neither credentials nor an ErrorResponse");
    auto code = doc->text("Error.Code");
    auto sender = doc->text("Error.Type") == "Sender";
    return make_error(sender ? errc::permission_denied : errc::server_error,
                      "STS " + code + ": " + doc->text("Error.Message"));
}

}  // namespace

std::string default_sts_endpoint(std::string_view region)
{
    auto suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
    return "https://sts." + std::string(region) + suffix;
}

std::string assume_role_body(const assume_role_params& p)
{
    auto body = common("AssumeRole", p);
    if (p.external_id)
        add_form_field(body, "ExternalId", *p.external_id);
    return body;
}

std::string assume_role_with_web_identity_body(const assume_role_params& p, std::string_view token)
{
    auto body = common("AssumeRoleWithWebIdentity", p);
    add_form_field(body, "WebIdentityToken", token);
    return body;
}

result<credentials> parse_sts_answer(std::string_view xml, std::string_view action)
{
    auto root = std::string(action) + "Response";
    auto doc = xml::parse(xml, root);
    if (!doc)
        return sts_error(xml);
    auto at = std::string(action) + "Result.Credentials.";
    credentials c;
    c.keys.access_key_id = doc->text(at + "AccessKeyId");
    c.keys.secret_access_key = doc->text(at + "SecretAccessKey");
    c.keys.session_token = doc->text(at + "SessionToken");
    c.expiration = parse_iso8601(doc->text(at + "Expiration"));
    if (c.keys.access_key_id.empty() || c.keys.secret_access_key.empty() || c.keys.session_token.empty() ||
        !c.expiration)
        return make_error(errc::bad_response, "STS " + std::string(action) +
                                                  ": no AccessKeyId, SecretAccessKey, SessionToken or "
                                                  "Expiration in the answer");
    return c;
}

std::string default_session_name(long long unix_seconds)
{
    return "vaultkeeper-session-" + std::to_string(unix_seconds);
}

}  // namespace vk::cloud::aws
