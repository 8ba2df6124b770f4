// Standard padded base64 (RFC 4648, "+/" alphabet): Consul KV values, Kubernetes Secret data, Azure keys and
// block ids, template filters. One implementation for every layer (pure: no I/O).
#ifndef VAULTKEEPER_SERVER_CORE_BASE64_HPP
#define VAULTKEEPER_SERVER_CORE_BASE64_HPP

#include <optional>
#include <string>
#include <string_view>

namespace vk {

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is canonical padded base64 (length a multiple of 4, padding only at the end).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace vk

#endif
