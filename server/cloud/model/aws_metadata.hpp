// The JSON credentials of the ECS/EKS container endpoint and of EC2 instance metadata (IMDSv2): {"Code":
// "Success", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}, and the container endpoint's address
// rule (botocore's): plain http only to loopback or the ECS / EKS Pod Identity link-local agents, else https.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_METADATA_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_METADATA_HPP

#include "cloud/model/aws_credentials.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>

namespace vk::cloud::aws {

// ECS's agent; AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to it.
inline constexpr std::string_view ecs_agent = "http://169.254.170.2";
inline constexpr std::string_view imds_default_endpoint = "http://169.254.169.254";
// IMDSv2: the session token's lifetime asked for (botocore's 6 hours) and the paths.
inline constexpr std::string_view imds_token_ttl_seconds = "21600";
inline constexpr std::string_view imds_token_path = "/latest/api/token";
inline constexpr std::string_view imds_roles_path = "/latest/meta-data/iam/security-credentials/";

// The credentials of a container or instance-metadata answer; errc::bad_response naming the missing field
// (never a value), errc::permission_denied when IMDS answers a Code other than "Success".
result<credentials> parse_metadata_credentials(std::string_view json);

// The first role name of IMDS's security-credentials listing (one name per line).
result<std::string> first_role(std::string_view listing);

// errc::invalid_argument unless `url` may carry the container credentials: https anywhere, http only to
// 127.0.0.0/8, ::1, localhost, 169.254.170.2 (ECS), 169.254.170.23 or fd00:ec2::23 (EKS Pod Identity).
result<void> check_container_url(std::string_view url);

}  // namespace vk::cloud::aws

#endif
