// AWS STS over its query API (Version 2011-06-15): the form-encoded POST bodies of AssumeRole and
// AssumeRoleWithWebIdentity, and their XML answers (<XResponse><XResult><Credentials>...) or the
// <ErrorResponse><Error><Code/><Message/></Error></ErrorResponse> shape.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_STS_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_STS_HPP

#include "cloud/model/aws_credentials.hpp"
#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace vk::cloud::aws {

inline constexpr std::string_view sts_version = "2011-06-15";
inline constexpr std::string_view form_content_type = "application/x-www-form-urlencoded; charset=utf-8";

// The STS endpoint botocore uses for a region (regional endpoints): https://sts.<region>.amazonaws.com
// (cn- regions under amazonaws.com.cn).
std::string default_sts_endpoint(std::string_view region);

struct assume_role_params
{
    std::string role_arn;
    std::string session_name;
    std::optional<std::string> external_id;
};

// Action=AssumeRole&... (signed with SigV4 by the caller: service "sts").
std::string assume_role_body(const assume_role_params& p);
// Action=AssumeRoleWithWebIdentity&... (unsigned: the token is the proof).
std::string assume_role_with_web_identity_body(const assume_role_params& p, std::string_view token);

// The credentials of an `action` answer ("AssumeRole"); an ErrorResponse becomes errc::permission_denied
// (Sender faults) or errc::server_error with its Code and Message; anything else errc::bad_response.
result<credentials> parse_sts_answer(std::string_view xml, std::string_view action);

// A session name for the calls: botocore's "botocore-session-<unix seconds>" shape, ours prefixed.
std::string default_session_name(long long unix_seconds);

}  // namespace vk::cloud::aws

#endif
