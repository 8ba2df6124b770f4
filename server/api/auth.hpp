// The admin token check: "Authorization: Bearer <token>", compared in constant time.
#ifndef VAULTKEEPER_SERVER_API_AUTH_HPP
#define VAULTKEEPER_SERVER_API_AUTH_HPP

#include <string_view>

#include "http/message.hpp"

namespace vk::api {

// Compares digests of both strings with CRYPTO_memcmp, so neither content nor length leaks through timing.
bool constant_time_equal(std::string_view a, std::string_view b);
bool bearer_matches(const http::request& req, std::string_view token);

}  // namespace vk::api

#endif
