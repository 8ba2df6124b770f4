// AWS credentials as a provider hands them out: the keys SigV4 signs with, and when temporary ones expire.
#ifndef VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_CREDENTIALS_HPP
#define VAULTKEEPER_SERVER_CLOUD_MODEL_AWS_CREDENTIALS_HPP

#include "cloud/model/sigv4.hpp"

#include <chrono>
#include <optional>

namespace vk::cloud::aws {

struct credentials
{
    sigv4::credentials keys;
    // Temporary credentials (STS, container, instance metadata) only; static keys never expire.
    std::optional<std::chrono::system_clock::time_point> expiration;
};

}  // namespace vk::cloud::aws

#endif
